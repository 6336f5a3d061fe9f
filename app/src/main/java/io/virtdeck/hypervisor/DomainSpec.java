package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * A new guest as {@link DomainXmlWriter} writes it. Disks and the CD-ROM point at volumes that already exist; the
 * platform says which hypervisor shape the XML takes.
 *
 * @param cdrom null for none
 * @param bootOrder the devices firmware tries, first first (ignored by Xen PV, whose bootloader reads the first disk)
 * @param cpu the guest's CPU; null leaves it to the hypervisor
 */
public record DomainSpec(UUID uuid, String name, GuestPlatform platform, int vcpus, long memoryMiB,
                         List<Disk> disks, Disk cdrom, List<String> networks, List<BootDevice> bootOrder,
                         boolean uefi, boolean vnc, GuestCpu cpu) {

    public DomainSpec {
        disks = List.copyOf(disks);
        networks = List.copyOf(networks);
        bootOrder = List.copyOf(bootOrder);
    }

    /** With the CPU a guest gets when none is asked for ({@link #defaultCpu}). */
    public DomainSpec(UUID uuid, String name, GuestPlatform platform, int vcpus, long memoryMiB, List<Disk> disks,
                      Disk cdrom, List<String> networks, List<BootDevice> bootOrder, boolean uefi, boolean vnc) {
        this(uuid, name, platform, vcpus, memoryMiB, disks, cdrom, networks, bootOrder, uefi, vnc,
                defaultCpu(platform.virtualization()));
    }

    /** KVM: the host's CPU model (migratable between alike hosts); elsewhere the hypervisor's default. */
    public static GuestCpu defaultCpu(GuestVirtualization virtualization) {
        return virtualization == GuestVirtualization.KVM ? GuestCpu.of(GuestCpu.Mode.HOST_MODEL) : null;
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
