package io.virtdeck.hypervisor;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import static io.virtdeck.hypervisor.SafeXml.append;
import static io.virtdeck.hypervisor.SafeXml.attr;
import static io.virtdeck.hypervisor.SafeXml.child;
import static io.virtdeck.hypervisor.SafeXml.children;
import io.virtdeck.core.HypervisorException;

/** The device XML that hot-plug takes (attach, detach), built and found through the DOM. */
final class DeviceXml {

    private DeviceXml() {
    }

    /**
     * A virtio disk on a pool's volume, at the first free vdX target of the domain; {@code shareable} marks it so that
     * other guests may have the volume too (QEMU then takes no exclusive lock on it).
     */
    static String disk(String domainXml, String pool, String volume, String format, boolean shareable) {
        Document doc = SafeXml.newDocument();
        Element disk = doc.createElement("disk");
        doc.appendChild(disk);
        disk.setAttribute("type", "volume");
        disk.setAttribute("device", "disk");
        append(disk, "driver", "name", "qemu", "type", format);
        append(disk, "source", "pool", pool, "volume", volume);
        append(disk, "target", "dev", freeTarget(domainXml, "vd"), "bus", "virtio");
        if (shareable) {
            append(disk, "shareable");
        }
        return SafeXml.toXml(disk);
    }

    /** A NIC on a virtual network or a host bridge, of the given model, with the given MAC address. */
    static String nic(NicSpec spec) {
        Document doc = SafeXml.newDocument();
        Element nic = doc.createElement("interface");
        doc.appendChild(nic);
        nic.setAttribute("type", spec.type());
        append(nic, "mac", "address", spec.mac());
        append(nic, "source", spec.type(), spec.source());
        append(nic, "model", "type", spec.model());
        return SafeXml.toXml(nic);
    }

    /**
     * A read-only CD-ROM on the SCSI bus holding a pool's volume, at the first free sdX target. SCSI rather than SATA:
     * Debian's cloud kernel, like other cloud images' kernels, has virtio-scsi but no AHCI driver, and would not see a
     * SATA CD-ROM on a q35 machine.
     */
    static String scsiCdrom(String domainXml, String pool, String volume) {
        Document doc = SafeXml.newDocument();
        Element disk = doc.createElement("disk");
        doc.appendChild(disk);
        disk.setAttribute("type", "volume");
        disk.setAttribute("device", "cdrom");
        append(disk, "driver", "name", "qemu", "type", "raw");
        append(disk, "source", "pool", pool, "volume", volume);
        append(disk, "target", "dev", freeTarget(domainXml, "sd"), "bus", "scsi");
        append(disk, "readonly");
        return SafeXml.toXml(disk);
    }

    /** Whether the domain has a SCSI controller (one virtio-scsi controller serves every SCSI disk). */
    static boolean hasScsiController(String domainXml) {
        return children(devices(domainXml), "controller").stream().anyMatch(c -> "scsi".equals(attr(c, "type")));
    }

    static String virtioScsiController() {
        Document doc = SafeXml.newDocument();
        Element controller = doc.createElement("controller");
        doc.appendChild(controller);
        controller.setAttribute("type", "scsi");
        controller.setAttribute("model", "virtio-scsi");
        return SafeXml.toXml(controller);
    }

    /** The domain's CD-ROM holding the pool's volume, as it is written, holding nextPool/next instead. */
    static Optional<String> cdromWithMedia(String domainXml, String pool, String volume, String nextPool,
                                           String next) {
        return children(devices(domainXml), "disk").stream()
                .filter(d -> "cdrom".equals(attr(d, "device")))
                .filter(d -> pool.equals(attr(child(d, "source"), "pool"))
                        && volume.equals(attr(child(d, "source"), "volume")))
                .findFirst().map(d -> {
                    child(d, "source").setAttribute("pool", nextPool);
                    child(d, "source").setAttribute("volume", next);
                    return SafeXml.toXml(d);
                });
    }

    /**
     * The domain's CD-ROM drive at {@code target} holding the pool's volume, or nothing when {@code pool} is null
     * (ejected): the device XML that updateDevice takes to change the medium. Empty when no CD-ROM is at the target.
     */
    static Optional<String> cdromHolding(String domainXml, String target, String pool, String volume) {
        return children(devices(domainXml), "disk").stream()
                .filter(d -> "cdrom".equals(attr(d, "device")) && target.equals(attr(child(d, "target"), "dev")))
                .findFirst().map(d -> {
                    Element source = child(d, "source");
                    if (source != null) {
                        d.removeChild(source);
                    }
                    Element driver = child(d, "driver");
                    // an empty drive is of type file: libvirt takes a volume-typed one without a source as not empty
                    d.setAttribute("type", "file");
                    if (pool != null) {
                        d.setAttribute("type", "volume");
                        if (driver != null) {
                            driver.setAttribute("type", "raw");
                        }
                        d.insertBefore(d.getOwnerDocument().createElement("source"), child(d, "target"));
                        child(d, "source").setAttribute("pool", pool);
                        child(d, "source").setAttribute("volume", volume);
                    }
                    return SafeXml.toXml(d);
                });
    }

    /**
     * Where a disk copy writes: a volume the copy reuses as it is (made beforehand, of the disk's size), by its file or
     * block device, in {@code format}.
     */
    static String copyDestination(VolumeFacts volume, String format) {
        Document doc = SafeXml.newDocument();
        Element disk = doc.createElement("disk");
        doc.appendChild(disk);
        boolean block = volume.kind() == VolumeFacts.Kind.BLOCK;
        disk.setAttribute("type", block ? "block" : "file");
        append(disk, "source", block ? "dev" : "file", volume.path());
        append(disk, "driver", "name", "qemu", "type", format);
        return SafeXml.toXml(disk);
    }

    /**
     * The domain's definition with its disk at {@code target} reading {@code pool}/{@code volume} instead: a disk that
     * names its volume by pool names the new one so, any other by its file or block device. Its format stays (the
     * copy has the same); a backing chain libvirt recorded belongs to the old volume and goes.
     */
    static String withDiskMoved(String domainXml, String target, String pool, VolumeFacts volume) {
        Element root = SafeXml.parse(domainXml).getDocumentElement();
        Element disk = children(child(root, "devices"), "disk").stream()
                .filter(d -> "disk".equals(attr(d, "device")) && target.equals(attr(child(d, "target"), "dev")))
                .findFirst().orElseThrow(() -> new HypervisorException(HypervisorException.Kind.NOT_FOUND,
                        "the domain has no disk at " + target));
        SafeXml.remove(child(disk, "source"));
        SafeXml.remove(child(disk, "backingStore"));
        Element source;
        if ("volume".equals(attr(disk, "type"))) {
            source = disk.getOwnerDocument().createElement("source");
            source.setAttribute("pool", pool);
            source.setAttribute("volume", volume.name());
        } else {
            boolean block = volume.kind() == VolumeFacts.Kind.BLOCK;
            disk.setAttribute("type", block ? "block" : "file");
            source = disk.getOwnerDocument().createElement("source");
            source.setAttribute(block ? "dev" : "file", volume.path());
        }
        // libvirt wants <source> before <target>; after <driver> where there is one
        Element driver = child(disk, "driver");
        disk.insertBefore(source, driver != null ? driver.getNextSibling() : disk.getFirstChild());
        return SafeXml.toXml(root);
    }

    /**
     * The domain's hold on the volume at {@code path} (or named {@code pool/volume}): a disk reading it, or a block
     * copy writing into it (a running domain's {@code <mirror>}); empty when it has none.
     */
    static Optional<DiskUse> useOf(String domainXml, String path, String poolVolume) {
        Element root = SafeXml.parse(domainXml).getDocumentElement();
        UUID uuid = UUID.fromString(SafeXml.text(child(root, "uuid")));
        String name = SafeXml.text(child(root, "name"));
        for (Element disk : children(child(root, "devices"), "disk")) {
            String target = attr(child(disk, "target"), "dev");
            String source = DomainXmlReader.source(disk);
            if (path.equals(source) || poolVolume.equals(source)) {
                return Optional.of(new DiskUse(uuid, name, target, false));
            }
            Element mirror = child(disk, "mirror");
            if (mirror != null && (path.equals(attr(mirror, "file")) || path.equals(DomainXmlReader.source(mirror))
                    || poolVolume.equals(DomainXmlReader.source(mirror)))) {
                return Optional.of(new DiskUse(uuid, name, target, true));
            }
        }
        return Optional.empty();
    }

    /** The domain's disk at {@code target} (vdb), as libvirt wrote it: what detach wants. */
    static Optional<String> diskAt(String domainXml, String target) {
        return children(devices(domainXml), "disk").stream()
                .filter(d -> target.equals(attr(child(d, "target"), "dev"))).findFirst().map(SafeXml::toXml);
    }

    /** The domain's NIC with this MAC address (any letter case). */
    static Optional<String> nicWithMac(String domainXml, String mac) {
        return children(devices(domainXml), "interface").stream()
                .filter(n -> mac.equalsIgnoreCase(String.valueOf(attr(child(n, "mac"), "address")))).findFirst()
                .map(SafeXml::toXml);
    }

    /** The first target of the bus's naming ({@code vd}, {@code sd}) no disk of the domain uses. */
    private static String freeTarget(String domainXml, String stem) {
        Set<String> used = new HashSet<>();
        children(devices(domainXml), "disk").forEach(d -> used.add(attr(child(d, "target"), "dev")));
        for (char letter = 'a'; letter <= 'z'; letter++) {
            if (!used.contains(stem + letter)) {
                return stem + letter;
            }
        }
        throw new HypervisorException(HypervisorException.Kind.INVALID_STATE, "the domain has 26 " + stem
                + "X disks already");
    }

    private static Element devices(String domainXml) {
        return child(SafeXml.parse(domainXml).getDocumentElement(), "devices");
    }
}
