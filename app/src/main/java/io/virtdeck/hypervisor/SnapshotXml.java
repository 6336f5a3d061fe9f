package io.virtdeck.hypervisor;

import java.time.Instant;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.appendText;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.path;
import static io.virtdeck.hypervisor.SafeXml.text;

/** Domain snapshot XML: the request for a new snapshot, and what a snapshot's description tells. */
final class SnapshotXml {

    private SnapshotXml() {
    }

    /**
     * A new snapshot of the domain's present state. No {@code <memory>} or {@code <disks>} element: libvirt then takes
     * the default, internal qcow2 snapshots (disk and memory when running, disk alone when shut off).
     */
    static String newSnapshot(String name, String description) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("domainsnapshot");
        doc.appendChild(root);
        appendText(root, "name", name);
        if (description != null && !description.isBlank()) {
            appendText(root, "description", description);
        }
        return SafeXml.toXml(root);
    }

    static SnapshotFacts read(String xml, String currentName) {
        Element root = SafeXml.parse(xml).getDocumentElement();
        String name = text(child(root, "name"));
        String created = text(child(root, "creationTime"));
        String memory = attr(child(root, "memory"), "snapshot");
        String state = text(child(root, "state"));
        // older libvirt leaves <memory> out: a snapshot of a running domain then held its memory
        boolean withMemory = memory != null ? !"no".equals(memory)
                : "running".equals(state) || "paused".equals(state);
        return new SnapshotFacts(name, text(child(root, "description")), text(path(root, "parent", "name")),
                created == null ? null : Instant.ofEpochSecond(Long.parseLong(created.trim())), state, withMemory,
                name != null && name.equals(currentName));
    }
}
