package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.children;
import static io.virtdeck.hypervisor.SafeXml.path;
import static io.virtdeck.hypervisor.SafeXml.text;

/** Reads the parts of libvirt's capabilities XML that the inventory shows: CPU, NUMA, guest domain types. */
final class CapabilitiesReader {

    private CapabilitiesReader() {
    }

    /** @param cpuXml the host's {@code <cpu>} element, as libvirt's CPU comparison takes it */
    record Capabilities(String cpuModel, String arch, int numaCells, List<String> guestDomainTypes,
                        List<String> cpuFeatures, String cpuXml) {

        /** KVM (or Xen) means the CPU's virtualization extensions are in use; vmx/svm means they exist. */
        boolean hardwareVirtualization() {
            return guestDomainTypes.contains("kvm") || cpuFeatures.contains("vmx") || cpuFeatures.contains("svm");
        }
    }

    static Capabilities read(String xml) {
        Element root = SafeXml.parse(xml).getDocumentElement();
        Element cpu = path(root, "host", "cpu");
        List<String> features = new ArrayList<>();
        for (Element feature : children(cpu, "feature")) {
            features.add(attr(feature, "name"));
        }
        // flags libvirt states as elements of their own (pae, nonpae; what its test driver's hosts have)
        for (Element flag : SafeXml.allChildren(path(cpu, "features"))) {
            features.add(flag.getTagName());
        }
        Element cells = path(root, "host", "topology", "cells");
        int cellCount = SafeXml.intOr(attr(cells, "num"), children(cells, "cell").size());
        Set<String> domainTypes = new LinkedHashSet<>();
        for (Element guest : children(root, "guest")) {
            for (Element arch : children(guest, "arch")) {
                for (Element domain : children(arch, "domain")) {
                    domainTypes.add(attr(domain, "type"));
                }
            }
        }
        return new Capabilities(text(path(cpu, "model")), text(path(cpu, "arch")), cellCount,
                List.copyOf(domainTypes), features, cpu == null ? null : SafeXml.toXml(cpu));
    }
}
