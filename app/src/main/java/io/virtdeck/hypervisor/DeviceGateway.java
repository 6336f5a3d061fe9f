package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The devices of domains (disks, NICs) and what NICs may connect to.
 */
public interface DeviceGateway {

    /**
     * Plugs a device in: into the running domain (hot-plug) and its definition, or only the definition when it is
     * shut off. {@link #attachDisk} puts a pool's volume at the first free virtio target and returns that target
     * (vdb); {@link #attachNic} a NIC as specified.
     */
    String attachDisk(long hostId, UUID uuid, String pool, String volume, String format, boolean shareable);

    void attachNic(long hostId, UUID uuid, NicSpec nic);

    /**
     * Adds a read-only CD-ROM holding the pool's volume to the definition of a shut-off domain (with a virtio-scsi
     * controller where it has no SCSI controller); returns its target (sda).
     */
    String attachCdrom(long hostId, UUID uuid, String pool, String volume);

    /** Grows the running domain's disk at {@code target} to {@code sizeMiB}: the guest's OS sees the new size at once. */
    void growDisk(long hostId, UUID uuid, String target, long sizeMiB);

    /** Puts the volume {@code nextPool}/{@code next} into the definition's CD-ROM that holds pool/volume now. */
    void changeCdrom(long hostId, UUID uuid, String pool, String volume, String nextPool, String next);

    /**
     * Puts the pool's volume into the CD-ROM drive at {@code target}, or ejects what it holds when {@code pool} is
     * null: in the running domain (its OS sees the medium change) and in its definition.
     */
    void changeCdromMedia(long hostId, UUID uuid, String target, String pool, String volume);

    /**
     * Unplugs the disk at {@code target} or the NIC with {@code mac}, from the running domain and its definition.
     * A running guest must let go of the device (ACPI): returns false when it still has it after {@code patience}.
     */
    boolean detachDisk(long hostId, UUID uuid, String target, Duration patience);

    boolean detachNic(long hostId, UUID uuid, String mac, Duration patience);

    /** The MAC addresses of every NIC of every domain of the host, running and in their definitions, lower case. */
    Set<String> nicMacs(long hostId);

    /**
     * The names of the host's network interfaces a guest NIC may join as a bridge: those libvirt's interface driver
     * reports (where it has one) and the bridges of the host's virtual networks.
     */
    Set<String> hostInterfaces(long hostId);
}
