package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
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
        return SafeXml.toXml(snapshot(name, description));
    }

    private static Element snapshot(String name, String description) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("domainsnapshot");
        doc.appendChild(root);
        appendText(root, "name", name);
        if (description != null && !description.isBlank()) {
            appendText(root, "description", description);
        }
        return root;
    }

    /**
     * A new external snapshot: each disk (by target) goes on in the qcow2 overlay file given for it; the memory goes to
     * {@code memoryFile}, or is not kept when that is null (disk only). The overlays are named here rather than left
     * to libvirt, which cannot name them for disks given as pool volumes.
     */
    static String newExternalSnapshot(String name, String description, Map<String, String> overlayByTarget,
                                      String memoryFile) {
        Element root = snapshot(name, description);
        append(root, "memory", "snapshot", memoryFile == null ? "no" : "external", "file", memoryFile);
        Element disks = append(root, "disks");
        overlayByTarget.forEach((target, overlay) -> append(
                append(disks, "disk", "name", target, "snapshot", "external", "type", "file"), "source", "file", overlay));
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
        boolean external = "external".equals(memory) || children(child(root, "disks"), "disk").stream()
                .anyMatch(disk -> "external".equals(disk.getAttribute("snapshot")));
        return new SnapshotFacts(name, text(child(root, "description")), text(path(root, "parent", "name")),
                created == null ? null : Instant.ofEpochSecond(Long.parseLong(created.trim())), state, withMemory,
                name != null && name.equals(currentName), external,
                "external".equals(memory) ? attr(child(root, "memory"), "file") : null);
    }
}
