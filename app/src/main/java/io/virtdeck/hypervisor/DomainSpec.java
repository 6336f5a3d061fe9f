package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * A new guest as {@link DomainXmlWriter} writes it. Disks and the CD-ROM point at volumes that already exist; the
 * platform says which hypervisor shape the XML takes.
 *
 * @param cdrom null for none
 * @param bootOrder the devices firmware tries, first first (ignored by Xen PV, whose bootloader reads the first disk)
 */
public record DomainSpec(UUID uuid, String name, GuestPlatform platform, int vcpus, long memoryMiB,
                         List<Disk> disks, Disk cdrom, List<String> networks, List<BootDevice> bootOrder,
                         boolean uefi, boolean vnc) {

    public DomainSpec {
        disks = List.copyOf(disks);
        networks = List.copyOf(networks);
        bootOrder = List.copyOf(bootOrder);
    }

    /** A disk image: a file, a block device, or (for other pool kinds) the volume by pool and name. */
    public record Disk(VolumeFacts.Kind kind, String path, String pool, String volume, String format) {

        public static Disk of(String pool, VolumeFacts volume) {
            return new Disk(volume.kind(), volume.path(), pool, volume.name(), driverFormat(volume.format()));
        }

        /** The image formats the hypervisor reads as such; anything else (an ISO, unknown) is read raw. */
        private static String driverFormat(String volumeFormat) {
            return volumeFormat != null && List.of("qcow2", "raw", "qed", "vmdk", "vdi", "vpc").contains(volumeFormat)
                    ? volumeFormat : "raw";
        }
    }

    public enum BootDevice {
        HD("hd"), CDROM("cdrom"), NETWORK("network");

        private final String xml;

        BootDevice(String xml) {
            this.xml = xml;
        }

        /** {@code <boot dev=...>} */
        public String xml() {
            return xml;
        }
    }
}
