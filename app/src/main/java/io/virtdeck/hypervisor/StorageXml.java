package io.virtdeck.hypervisor;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.appendText;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.path;

/** Storage pool and volume XML: the volume to create, and the parts of pools and volumes libvirt's info lacks. */
final class StorageXml {

    private StorageXml() {
    }

    /** A volume with its capacity and format and no allocation asked for: sparse files, thin where possible. */
    static String newVolume(NewVolume volume) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("volume");
        doc.appendChild(root);
        appendText(root, "name", volume.name());
        appendText(root, "capacity", Long.toString(volume.capacityMiB()), "unit", "MiB");
        appendText(root, "allocation", "0", "unit", "MiB");
        append(append(root, "target"), "format", "type", volume.format());
        return SafeXml.toXml(root);
    }

    /** dir, fs, logical, iscsi, rbd, ... */
    static String poolType(String poolXml) {
        return attr(SafeXml.parse(poolXml).getDocumentElement(), "type");
    }

    /** qcow2, raw, iso, ...; null when the volume's XML names no format. */
    static String volumeFormat(String volumeXml) {
        return attr(path(SafeXml.parse(volumeXml).getDocumentElement(), "target", "format"), "type");
    }
}
