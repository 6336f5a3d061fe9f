package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.Optional;

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
        formatted(append(root, "target"), volume.format());
        return SafeXml.toXml(root);
    }

    /**
     * An empty raw volume of exactly {@code bytes} bytes, sparse (nothing allocated up front), for an upload to fill:
     * its file then holds exactly the uploaded bytes, and libvirt probes their format once the upload ends.
     */
    static String uploadTarget(String name, long bytes) {
        return emptyVolume(name, bytes, "raw");
    }

    /** An empty, sparse volume of exactly {@code bytes} bytes of capacity in the given format (a backup's target). */
    static String emptyVolume(String name, long bytes, String format) {
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("volume");
        doc.appendChild(root);
        appendText(root, "name", name);
        appendText(root, "capacity", Long.toString(bytes), "unit", "bytes");
        appendText(root, "allocation", "0", "unit", "bytes");
        formatted(append(root, "target"), format);
        return SafeXml.toXml(root);
    }

    /**
     * A volume's format; qcow2 as v3 (compat 1.1), which libvirt 9.0 does not make unless told and which alone can hold
     * the dirty bitmaps incremental backups read.
     */
    private static void formatted(Element target, String format) {
        append(target, "format", "type", format);
        if ("qcow2".equals(format)) {
            appendText(target, "compat", QCOW2_WITH_BITMAPS);
        }
    }

    /** qcow2 v3: the version that can hold persistent dirty bitmaps (v2, compat 0.10, cannot). */
    private static final String QCOW2_WITH_BITMAPS = "1.1";

    /**
     * A standalone qcow2 copy of a backup's volume for storageVolCreateXMLFrom, as {@link #copyOf}, in qcow2 v3 so that
     * the restored disk can be backed up incrementally in turn.
     */
    static String restoredCopyOf(String sourceXml, String name) {
        Element root = SafeXml.parse(copyOf(sourceXml, name)).getDocumentElement();
        Element target = SafeXml.child(root, "target");
        SafeXml.remove(SafeXml.child(target, "format"));
        SafeXml.remove(SafeXml.child(target, "compat"));
        append(target, "format", "type", "qcow2");
        appendText(target, "compat", QCOW2_WITH_BITMAPS);
        return SafeXml.toXml(root);
    }

    /**
     * How many bytes the volume takes where it sits (a file's size, a device's size): what a download of it streams.
     * libvirt reports it as {@code <physical>}; where it does not, the capacity stands in (a raw file's size).
     */
    static long physicalBytes(String volumeXml) {
        Element root = SafeXml.parse(volumeXml).getDocumentElement();
        Element physical = SafeXml.child(root, "physical");
        // libvirt writes the sizes of a volume it describes in bytes
        return Long.parseLong(SafeXml.text(physical != null ? physical : SafeXml.child(root, "capacity")));
    }

    /**
     * A full copy of a volume for storageVolCreateXMLFrom: the source's own XML (same capacity, format and allocation)
     * under a new name, without the key and path libvirt gives the new volume, and without a backing store so that
     * the copy stands alone.
     */
    static String copyOf(String sourceXml, String name) {
        Element root = SafeXml.parse(sourceXml).getDocumentElement();
        SafeXml.child(root, "name").setTextContent(name);
        SafeXml.remove(SafeXml.child(root, "key"));
        SafeXml.remove(path(root, "target", "path"));
        SafeXml.remove(SafeXml.child(root, "backingStore"));
        return SafeXml.toXml(root);
    }

    /**
     * A backup's overlay: an empty qcow2 of {@code bytes} capacity whose backing file is {@code baseName}, the previous
     * point's volume in the same pool, by its name alone. qemu-img records that name relative to the overlay's own
     * directory, so a chain stays whole wherever its files are put together (a store on another host receives them
     * through Virtdeck), and libvirt checks the base is there when it makes the overlay.
     */
    static String backupOverlay(String name, long bytes, String baseName) {
        Element root = SafeXml.parse(emptyVolume(name, bytes, "qcow2")).getDocumentElement();
        Element backing = append(root, "backingStore");
        appendText(backing, "path", baseName);
        append(backing, "format", "type", "qcow2");
        return SafeXml.toXml(root);
    }

    /**
     * A linked clone of a volume: a new, empty qcow2 volume of the same capacity whose backing file is the source,
     * so that it reads the source's blocks and writes only its own changes.
     */
    static String overlayOf(String sourceXml, String name) {
        Element source = SafeXml.parse(sourceXml).getDocumentElement();
        Document doc = SafeXml.newDocument();
        Element root = doc.createElement("volume");
        doc.appendChild(root);
        appendText(root, "name", name);
        Element capacity = SafeXml.child(source, "capacity");
        appendText(root, "capacity", SafeXml.text(capacity), "unit", attr(capacity, "unit"));
        appendText(root, "allocation", "0");
        append(append(root, "target"), "format", "type", "qcow2");
        Element backing = append(root, "backingStore");
        appendText(backing, "path", SafeXml.text(path(source, "target", "path")));
        append(backing, "format", "type", volumeFormat(sourceXml) == null ? "raw" : volumeFormat(sourceXml));
        return SafeXml.toXml(root);
    }

    /**
     * A pool of any kind Virtdeck makes. Block-device and network pools name their source; iSCSI LUNs appear under
     * /dev/disk/by-path (stable names, as virt-manager sets it); an LVM pool's volumes are /dev/VG/LV.
     */
    static String newPool(PoolSpec spec) {
        Document doc = SafeXml.newDocument();
        Element pool = doc.createElement("pool");
        doc.appendChild(pool);
        pool.setAttribute("type", spec.type());
        appendText(pool, "name", spec.name());
        if (spec instanceof PoolSpec.Dir dir) {
            target(pool, dir.path());
        } else if (spec instanceof PoolSpec.Fs fs) {
            Element source = append(pool, "source");
            append(source, "device", "path", fs.device());
            append(source, "format", "type", fs.format() == null ? "auto" : fs.format());
            target(pool, fs.path());
        } else if (spec instanceof PoolSpec.Netfs netfs) {
            Element source = append(pool, "source");
            append(source, "host", "name", netfs.host());
            append(source, "dir", "path", netfs.exportPath());
            append(source, "format", "type", "nfs");
            target(pool, netfs.path());
        } else if (spec instanceof PoolSpec.Logical logical) {
            Element source = append(pool, "source");
            appendText(source, "name", logical.volumeGroup());
            logical.devices().forEach(device -> append(source, "device", "path", device));
            append(source, "format", "type", "lvm2");
            target(pool, "/dev/" + logical.volumeGroup());
        } else if (spec instanceof PoolSpec.Iscsi iscsi) {
            Element source = append(pool, "source");
            append(source, "host", "name", iscsi.host(), "port", Integer.toString(iscsi.port()));
            append(source, "device", "path", iscsi.iqn());
            auth(source, "chap", iscsi.chap());
            target(pool, "/dev/disk/by-path");
        } else if (spec instanceof PoolSpec.Rbd rbd) {
            Element source = append(pool, "source");
            rbd.monitors().forEach(monitor -> append(source, "host", "name", monitor.host(), "port",
                    monitor.port() == null ? null : monitor.port().toString()));
            appendText(source, "name", rbd.cephPool());
            auth(source, "ceph", rbd.cephx());
        }
        return SafeXml.toXml(pool);
    }

    private static void target(Element pool, String path) {
        appendText(append(pool, "target"), "path", path);
    }

    private static void auth(Element source, String type, PoolSpec.Auth auth) {
        if (auth != null) {
            append(append(source, "auth", "type", type, "username", auth.username()), "secret", "uuid",
                    auth.secret().toString());
        }
    }

    /** The directory (or device directory) a pool's volumes live in; null for pools without one (rbd). */
    static String poolTarget(String poolXml) {
        return SafeXml.text(path(SafeXml.parse(poolXml).getDocumentElement(), "target", "path"));
    }

    /**
     * Where a network pool's volumes come from, the same on every host that shares it: "nfs.example:/export/vms" for a
     * netfs pool, the portal and target for iSCSI, the first monitor and pool for Ceph; null for pools whose source names
     * no remote host (a directory, a local disk or volume group).
     */
    static String poolSource(String poolXml) {
        Element source = path(SafeXml.parse(poolXml).getDocumentElement(), "source");
        String host = source == null ? null : attr(path(source, "host"), "name");
        if (host == null) {
            return null;
        }
        String dir = attr(path(source, "dir"), "path");
        String device = attr(path(source, "device"), "path");
        String name = SafeXml.text(path(source, "name"));
        return host + ":" + (dir != null ? dir : device != null ? device : name != null ? name : "");
    }

    static String poolType(String poolXml) {
        return attr(SafeXml.parse(poolXml).getDocumentElement(), "type");
    }

    /** The file a volume is an overlay of: its {@code <backingStore><path>}; null when it has none. */
    static String backingFile(String volumeXml) {
        return SafeXml.text(path(SafeXml.parse(volumeXml).getDocumentElement(), "backingStore", "path"));
    }

    /** qcow2, raw, iso, ...; null when the volume's XML names no format. */
    static String volumeFormat(String volumeXml) {
        return attr(path(SafeXml.parse(volumeXml).getDocumentElement(), "target", "format"), "type");
    }

    /**
     * When the volume's file was last modified: its {@code <target><timestamps><mtime>}, seconds since the epoch with
     * up to nine decimals ("1765101234.123456789"); empty when the XML has none.
     */
    static Optional<Instant> modifiedAt(String volumeXml) {
        String mtime = SafeXml.text(path(SafeXml.parse(volumeXml).getDocumentElement(), "target", "timestamps",
                "mtime"));
        if (mtime == null || !mtime.matches("\\d+(\\.\\d{1,9})?")) {
            return Optional.empty();
        }
        int dot = mtime.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? mtime : mtime.substring(0, dot));
        long nanos = dot < 0 ? 0 : Long.parseLong((mtime.substring(dot + 1) + "00000000").substring(0, 9));
        return Optional.of(Instant.ofEpochSecond(seconds, nanos));
    }
}
