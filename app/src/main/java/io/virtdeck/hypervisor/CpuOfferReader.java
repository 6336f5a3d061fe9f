package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.text;

/** Reads the CPUs a host offers its guests from libvirt's domain capabilities ({@code <cpu>}). */
final class CpuOfferReader {

    private CpuOfferReader() {
    }

    /** The supported modes ({@code <mode name supported='yes'>}) and the usable named models, in libvirt's order. */
    record Modes(List<String> modes, List<String> models, String hostModelCpuXml) {
    }

    static Modes modes(String domainCapabilitiesXml) {
        Element cpu = child(SafeXml.parse(domainCapabilitiesXml).getDocumentElement(), "cpu");
        List<String> modes = new ArrayList<>();
        List<String> models = new ArrayList<>();
        String hostModel = null;
        for (Element mode : children(cpu, "mode")) {
            if (!"yes".equals(attr(mode, "supported")) || GuestCpu.Mode.ofXml(attr(mode, "name")) == null) {
                continue; // 'maximum' and others Virtdeck does not offer
            }
            modes.add(attr(mode, "name"));
            if ("custom".equals(attr(mode, "name"))) {
                for (Element model : children(mode, "model")) {
                    if (!"no".equals(attr(model, "usable"))) {
                        models.add(text(model));
                    }
                }
            } else if ("host-model".equals(attr(mode, "name")) && child(mode, "model") != null) {
                hostModel = asCpu(mode);
            }
        }
        return new Modes(modes, models, hostModel);
    }

    /** The host-model mode's model, vendor and features as a {@code <cpu>}, the shape libvirt's CPU calls read. */
    private static String asCpu(Element mode) {
        Document doc = SafeXml.newDocument();
        Element cpu = doc.createElement("cpu");
        doc.appendChild(cpu);
        cpu.setAttribute("mode", "custom");
        cpu.setAttribute("match", "exact");
        for (Node node = mode.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && List.of("model", "vendor", "feature").contains(element.getTagName())) {
                cpu.appendChild(doc.importNode(element, true));
            }
        }
        return SafeXml.toXml(cpu);
    }

    /** The features a {@code <cpu>} lists with policy require (what the CPU has), and all it names, sorted. */
    record Features(List<String> required, List<String> named) {
    }

    static Features features(String cpuXml) {
        TreeSet<String> required = new TreeSet<>();
        TreeSet<String> named = new TreeSet<>();
        for (Element feature : children(SafeXml.parse(cpuXml).getDocumentElement(), "feature")) {
            named.add(attr(feature, "name"));
            if (!"disable".equals(attr(feature, "policy")) && !"forbid".equals(attr(feature, "policy"))) {
                required.add(attr(feature, "name"));
            }
        }
        return new Features(List.copyOf(required), List.copyOf(named));
    }
}
