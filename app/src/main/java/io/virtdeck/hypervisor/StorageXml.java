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

    /**
     * A volume of the given capacity and format. qcow2 grows as the guest writes (nothing allocated up front); raw is
     * allocated in full, as virt-manager does, so that its space is the guest's and a pool without room says so now.
     */
    static String newVolume(NewVolume volume) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("volume");
        doc.appendChild(root);
        appendText(root, "name", volume.name());
        appendText(root, "capacity", Long.toString(volume.capacityMiB()), "unit", "MiB");
        appendText(root, "allocation", "qcow2".equals(volume.format()) ? "0" : Long.toString(volume.capacityMiB()),
                "unit", "MiB");
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
