package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.text;

/** Reads and writes a domain's {@code <cpu>}: its mode, named model and features; its topology is kept as it is. */
final class CpuXml {

    private CpuXml() {
    }

    /** The CPU a definition states (null where it states none: the hypervisor's default), with its domain type. */
    static DomainCpu read(String domainXml) {
        Element domain = SafeXml.parse(domainXml).getDocumentElement();
        return new DomainCpu(attr(domain, "type"), attr(SafeXml.path(domain, "os", "type"), "arch"),
                read(child(domain, "cpu")));
    }

    private static GuestCpu read(Element cpu) {
        if (cpu == null) {
            return null;
        }
        // libvirt writes mode='custom' out, and a <cpu> of topology alone names no model
        GuestCpu.Mode mode = attr(cpu, "mode") == null ? GuestCpu.Mode.CUSTOM : GuestCpu.Mode.ofXml(attr(cpu, "mode"));
        String model = text(child(cpu, "model"));
        if (mode == null || mode == GuestCpu.Mode.CUSTOM && model == null) {
            return null;
        }
        List<GuestCpu.Feature> features = new ArrayList<>();
        for (Element feature : children(cpu, "feature")) {
            GuestCpu.Policy policy = "disable".equals(attr(feature, "policy")) || "forbid".equals(attr(feature, "policy"))
                    ? GuestCpu.Policy.DISABLE : GuestCpu.Policy.REQUIRE;
            features.add(new GuestCpu.Feature(attr(feature, "name"), policy));
        }
        return new GuestCpu(mode, mode == GuestCpu.Mode.CUSTOM ? model : null,
                mode == GuestCpu.Mode.HOST_PASSTHROUGH ? List.of() : features);
    }

    /** Writes {@code cpu} into a new domain's XML (nothing for null: the hypervisor's default). */
    static void append(Element domain, GuestCpu cpu) {
        if (cpu == null) {
            return;
        }
        Element element = SafeXml.append(domain, "cpu", "mode", cpu.mode().xml());
        fill(element, cpu);
    }

    /**
     * The whole domain XML with its CPU replaced by {@code cpu}; its topology ({@code <topology>}, NUMA cells) stays.
     * A null {@code cpu} leaves the choice to the hypervisor.
     */
    static String write(String domainXml, GuestCpu cpu) {
        Element domain = SafeXml.parse(domainXml).getDocumentElement();
        Element old = child(domain, "cpu");
        if (old == null && cpu == null) {
            return SafeXml.toXml(domain);
        }
        Element element = domain.getOwnerDocument().createElement("cpu");
        if (old != null) {
            for (String kept : List.of("topology", "numa", "cache")) {
                for (Element child : children(old, kept)) {
                    element.appendChild(child);
                }
            }
            domain.replaceChild(element, old);
        } else {
            domain.insertBefore(element, child(domain, "devices"));
        }
        if (cpu != null) {
            element.setAttribute("mode", cpu.mode().xml());
            fill(element, cpu);
        } else if (!element.hasChildNodes()) {
            domain.removeChild(element);
        }
        return SafeXml.toXml(domain);
    }

    private static void fill(Element element, GuestCpu cpu) {
        Node first = element.getFirstChild(); // libvirt wants model and features before the topology
        if (cpu.mode() == GuestCpu.Mode.CUSTOM) {
            element.setAttribute("match", "exact");
            Element model = element.getOwnerDocument().createElement("model");
            model.setAttribute("fallback", "forbid");
            model.setTextContent(cpu.model());
            element.insertBefore(model, first);
        }
        for (GuestCpu.Feature feature : cpu.features()) {
            Element child = element.getOwnerDocument().createElement("feature");
            child.setAttribute("policy", feature.policy().xml());
            child.setAttribute("name", feature.name());
            element.insertBefore(child, first);
        }
    }
}
