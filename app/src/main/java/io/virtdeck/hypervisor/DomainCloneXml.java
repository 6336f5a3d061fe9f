package io.virtdeck.hypervisor;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;

/**
 * The definition of a clone, written from its source's definition: a new name and UUID, no MAC addresses (libvirt
 * gives each interface a new one), no console log files, and each copied disk pointing at its copy. Disks not copied (CD-ROMs, shared
 * images) are kept as they are.
 */
final class DomainCloneXml {

    private DomainCloneXml() {
    }

    /**
     * @param copies the new volume of each copied disk, by the source disk's {@link DiskFacts#source()}
     */
    static String write(String sourceXml, String name, UUID uuid, Map<String, PooledVolume> copies) {
        Element domain = SafeXml.parse(sourceXml).getDocumentElement();
        child(domain, "name").setTextContent(name);
        child(domain, "uuid").setTextContent(uuid.toString());
        // the firmware's variables file belongs to the source; libvirt makes a fresh one for the clone
        SafeXml.remove(SafeXml.path(domain, "os", "nvram"));
        Element devices = child(domain, "devices");
        pointDisks(devices, copies);
        for (Element nic : children(devices, "interface")) {
            SafeXml.remove(child(nic, "mac"));
        }
        // a console log file belongs to its source: two guests writing one file cannot both start (virtlogd holds it)
        for (String consoleDevice : List.of("serial", "console")) {
            children(devices, consoleDevice).forEach(device -> SafeXml.remove(child(device, "log")));
        }
        return SafeXml.toXml(domain);
    }

    /**
     * A clone whose every network interface is on {@code network} instead (an isolated network: a restored guest
     * booted to be checked must not meet the one it was backed up from), and that does not start with its host.
     */
    static String isolatedClone(String sourceXml, String name, UUID uuid, Map<String, PooledVolume> copies,
                                String network) {
        Element domain = SafeXml.parse(write(sourceXml, name, uuid, copies)).getDocumentElement();
        for (Element nic : children(child(domain, "devices"), "interface")) {
            nic.setAttribute("type", "network");
            SafeXml.remove(child(nic, "source"));
            Element source = nic.getOwnerDocument().createElement("source");
            source.setAttribute("network", network);
            nic.insertBefore(source, nic.getFirstChild());
            SafeXml.remove(child(nic, "target"));
        }
        return SafeXml.toXml(domain);
    }

    /**
     * The same definition with each disk whose source is a key of {@code volumes} pointing at its new volume: a
     * guest's disks replaced in place (a restore over it), name, UUID and MACs kept.
     */
    static String withDisks(String definition, Map<String, PooledVolume> volumes) {
        Element domain = SafeXml.parse(definition).getDocumentElement();
        pointDisks(child(domain, "devices"), volumes);
        return SafeXml.toXml(domain);
    }

    private static void pointDisks(Element devices, Map<String, PooledVolume> volumes) {
        for (Element disk : children(devices, "disk")) {
            PooledVolume copy = volumes.get(DomainXmlReader.source(disk));
            if (copy != null && "disk".equals(SafeXml.attr(disk, "device"))) {
                pointAt(disk, copy);
            }
        }
    }

    private static void pointAt(Element disk, PooledVolume copy) {
        Element source = child(disk, "source");
        switch (String.valueOf(SafeXml.attr(disk, "type"))) {
            case "block" -> source.setAttribute("dev", copy.volume().path());
            case "volume" -> {
                source.setAttribute("pool", copy.pool());
                source.setAttribute("volume", copy.volume().name());
            }
            default -> source.setAttribute("file", copy.volume().path());
        }
        Element driver = child(disk, "driver");
        if (driver != null && copy.volume().format() != null) {
            driver.setAttribute("type", copy.volume().format()); // a linked clone is qcow2 whatever its backing is
        }
        SafeXml.remove(child(disk, "backingStore"));
    }
}
