package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

/** Backup and checkpoint XML: the requests for a push-mode backup and its checkpoint, and what a checkpoint tells. */
final class BackupXml {

    private BackupXml() {
    }

    /**
     * A push-mode backup: each disk of {@code fileByDisk} (target to file) is written as qcow2 into its file, which
     * exists already (begun with REUSE_EXTERNAL); the disks of {@code skipped} are left out explicitly, since libvirt
     * would otherwise back up every disk it can.
     *
     * @param incrementalFrom the checkpoint to back up the changes since; null for everything
     */
    static String backup(String incrementalFrom, Map<String, String> fileByDisk, Collection<String> skipped) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("domainbackup");
        root.setAttribute("mode", "push");
        doc.appendChild(root);
        if (incrementalFrom != null) {
            appendText(root, "incremental", incrementalFrom);
        }
        Element disks = append(root, "disks");
        fileByDisk.forEach((disk, file) -> {
            Element element = append(disks, "disk", "name", disk, "backup", "yes", "type", "file");
            append(element, "target", "file", file);
            append(element, "driver", "type", "qcow2");
        });
        skipped.forEach(disk -> append(disks, "disk", "name", disk, "backup", "no"));
        return SafeXml.toXml(root);
    }

    /** A checkpoint with a dirty bitmap on each disk of {@code tracked}, none on those of {@code untracked}. */
    static String checkpoint(String name, Collection<String> tracked, Collection<String> untracked) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("domaincheckpoint");
        doc.appendChild(root);
        appendText(root, "name", name);
        Element disks = append(root, "disks");
        tracked.forEach(disk -> append(disks, "disk", "name", disk, "checkpoint", "bitmap"));
        untracked.forEach(disk -> append(disks, "disk", "name", disk, "checkpoint", "no"));
        return SafeXml.toXml(root);
    }

    static CheckpointFacts readCheckpoint(String xml) {
        Element root = SafeXml.parse(xml).getDocumentElement();
        String created = text(child(root, "creationTime"));
        List<String> disks = new ArrayList<>();
        for (Element disk : children(child(root, "disks"), "disk")) {
            if ("bitmap".equals(attr(disk, "checkpoint"))) {
                disks.add(attr(disk, "name"));
            }
        }
        return new CheckpointFacts(text(child(root, "name")), text(path(root, "parent", "name")),
                created == null ? null : Instant.ofEpochSecond(Long.parseLong(created)), disks);
    }
}
