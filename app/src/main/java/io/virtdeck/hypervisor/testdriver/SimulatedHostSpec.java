package io.virtdeck.hypervisor.testdriver;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One simulated hypervisor host, as libvirt's test driver can load it from a {@code <node>} file: its CPU topology
 * and memory, its guests, virtual networks and storage pools. Immutable; {@link TestDriverHostWriter} turns it into
 * the file.
 *
 * <p>Names are kept as given (any character XML 1.0 can carry): the writer escapes them, never this class.
 * The constructor checks what would make libvirt refuse the whole file: duplicate names, UUIDs or MACs, a disk
 * pointing at a pool that is not on the host, numbers out of range.
 */
public record SimulatedHostSpec(
        String name,
        CpuTopology cpu,
        long memoryMiB,
        List<Guest> guests,
        List<Network> networks,
        List<Pool> pools) {

    public SimulatedHostSpec {
        requireText(name, "host name");
        Objects.requireNonNull(cpu, "cpu");
        positive(memoryMiB, "host memoryMiB");
        guests = List.copyOf(guests);
        networks = List.copyOf(networks);
        pools = List.copyOf(pools);

        Set<String> guestNames = new HashSet<>();
        Set<UUID> uuids = new HashSet<>();
        Set<String> macs = new HashSet<>();
        Set<String> poolNames = new HashSet<>();
        Set<String> networkNames = new HashSet<>();
        for (Pool pool : pools) {
            unique(poolNames, pool.name(), "pool name");
            unique(uuids, pool.uuid(), "UUID");
        }
        for (Network network : networks) {
            unique(networkNames, network.name(), "network name");
            unique(uuids, network.uuid(), "UUID");
        }
        for (Guest guest : guests) {
            unique(guestNames, guest.name(), "guest name");
            unique(uuids, guest.uuid(), "UUID");
            for (Disk disk : guest.disks()) {
                Pool pool = pools.stream().filter(p -> p.name().equals(disk.pool())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("guest '" + guest.name() + "' disk "
                                + disk.targetDev() + " uses pool '" + disk.pool() + "' which is not on host '"
                                + name + "'"));
                if (pool.volume(disk.volume()) == null) {
                    throw new IllegalArgumentException("guest '" + guest.name() + "' disk " + disk.targetDev()
                            + " uses volume '" + disk.volume() + "' which is not in pool '" + pool.name() + "'");
                }
            }
            for (Nic nic : guest.nics()) {
                unique(macs, nic.mac(), "MAC address");
            }
        }
    }

    /** The pool with this name, or null. */
    public Pool pool(String poolName) {
        return pools.stream().filter(p -> p.name().equals(poolName)).findFirst().orElse(null);
    }

    /** The guest with this name, or null. */
    public Guest guest(String guestName) {
        return guests.stream().filter(g -> g.name().equals(guestName)).findFirst().orElse(null);
    }

    /**
     * Host CPUs the way libvirt's node info counts them: {@code numaNodes x socketsPerNode x coresPerSocket x
     * threadsPerCore} logical CPUs. {@code model} ends up in virNodeInfo.model, a 32-byte C string in libvirt, so it
     * is limited to 31 bytes of UTF-8 (a longer one makes the test driver refuse the file).
     */
    public record CpuTopology(String model, int mhz, int numaNodes, int socketsPerNode, int coresPerSocket,
            int threadsPerCore) {

        public static final int MAX_MODEL_BYTES = 31;

        public CpuTopology {
            requireText(model, "cpu model");
            if (model.getBytes(StandardCharsets.UTF_8).length > MAX_MODEL_BYTES) {
                throw new IllegalArgumentException("cpu model longer than " + MAX_MODEL_BYTES + " bytes: " + model);
            }
            positive(mhz, "cpu mhz");
            positive(numaNodes, "numaNodes");
            positive(socketsPerNode, "socketsPerNode");
            positive(coresPerSocket, "coresPerSocket");
            positive(threadsPerCore, "threadsPerCore");
        }

        public int logicalCpus() {
            return numaNodes * socketsPerNode * coresPerSocket * threadsPerCore;
        }
    }

    /** Run state of a guest when the file is opened; the codes are libvirt's virDomainState numbers. */
    public enum RunState {
        RUNNING(1), PAUSED(3), SHUTOFF(5);

        private final int libvirtCode;

        RunState(int libvirtCode) {
            this.libvirtCode = libvirtCode;
        }

        /** The value of {@code <test:runstate>}: VIR_DOMAIN_RUNNING=1, VIR_DOMAIN_PAUSED=3, VIR_DOMAIN_SHUTOFF=5. */
        public int libvirtCode() {
            return libvirtCode;
        }
    }

    /**
     * A guest. Autostart is not part of it: the test driver's node file has no way to say so (call
     * {@code setAutostart} on the opened connection instead).
     */
    public record Guest(String name, UUID uuid, int vcpus, long memoryMiB, RunState state, List<Disk> disks,
            List<Nic> nics, boolean vncGraphics) {

        public Guest {
            requireText(name, "guest name");
            Objects.requireNonNull(uuid, "guest uuid");
            positive(vcpus, "vcpus");
            positive(memoryMiB, "guest memoryMiB");
            Objects.requireNonNull(state, "guest state");
            disks = List.copyOf(disks);
            nics = List.copyOf(nics);
            Set<String> targets = new HashSet<>();
            for (Disk disk : disks) {
                unique(targets, disk.targetDev(), "disk target of guest '" + name + "'");
            }
        }
    }

    public enum DiskDevice {
        DISK, CDROM
    }

    /**
     * A guest disk backed by a volume of one of the host's pools. {@code targetDev} is the guest device name
     * ({@code vda}, {@code vdb}, {@code sda}); virtio for disks, SATA for CD-ROMs, which are also read-only.
     */
    public record Disk(String pool, String volume, String targetDev, VolumeFormat format, DiskDevice device) {

        private static final Pattern TARGET = Pattern.compile("(vd|sd|hd|xvd)[a-z]{1,3}");

        public Disk {
            requireText(pool, "disk pool");
            requireText(volume, "disk volume");
            requireText(targetDev, "disk target");
            if (!TARGET.matcher(targetDev).matches()) {
                throw new IllegalArgumentException("disk target must look like vda, sdb or hdc: " + targetDev);
            }
            Objects.requireNonNull(format, "disk format");
            Objects.requireNonNull(device, "disk device");
        }

        /** A virtio hard disk. */
        public static Disk disk(String pool, String volume, String targetDev, VolumeFormat format) {
            return new Disk(pool, volume, targetDev, format, DiskDevice.DISK);
        }

        /** A read-only SATA CD-ROM with an ISO volume in it. */
        public static Disk cdrom(String pool, String isoVolume, String targetDev) {
            return new Disk(pool, isoVolume, targetDev, VolumeFormat.RAW, DiskDevice.CDROM);
        }
    }

    /** A guest NIC on one of libvirt's virtual networks, virtio model. MAC is stored lower case. */
    public record Nic(String network, String mac) {

        private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

        public Nic {
            requireText(network, "nic network");
            Objects.requireNonNull(mac, "mac");
            mac = mac.toLowerCase(Locale.ROOT);
            if (!MAC.matcher(mac).matches()) {
                throw new IllegalArgumentException("not a MAC address: " + mac);
            }
        }
    }

    public enum NetworkMode {
        /** {@code <forward mode='nat'/>}: guests reach the outside through the host. */
        NAT,
        /** No {@code <forward>}: guests only reach each other and the host. */
        ISOLATED
    }

    /** A libvirt virtual network with one IPv4 subnet and a DHCP range. Addresses are dotted quads. */
    public record Network(String name, UUID uuid, String bridge, NetworkMode mode, String ipv4Address, int prefix,
            String dhcpStart, String dhcpEnd) {

        private static final Pattern IPV4 = Pattern.compile(
                "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

        public Network {
            requireText(name, "network name");
            Objects.requireNonNull(uuid, "network uuid");
            requireText(bridge, "bridge");
            Objects.requireNonNull(mode, "network mode");
            ipv4(ipv4Address, "ipv4Address");
            if (prefix < 1 || prefix > 30) {
                throw new IllegalArgumentException("prefix must be 1..30: " + prefix);
            }
            ipv4(dhcpStart, "dhcpStart");
            ipv4(dhcpEnd, "dhcpEnd");
        }

        private static void ipv4(String value, String what) {
            if (value == null || !IPV4.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " is not an IPv4 address: " + value);
            }
        }
    }

    public enum VolumeFormat {
        RAW("raw"), QCOW2("qcow2"), ISO("iso");

        private final String libvirtName;

        VolumeFormat(String libvirtName) {
            this.libvirtName = libvirtName;
        }

        /** The name libvirt uses in {@code <format type=.../>} and {@code <driver type=.../>}. */
        public String libvirtName() {
            return libvirtName;
        }
    }

    /**
     * A directory pool. The test driver always reports a pool capacity of 100 GiB, whatever the volumes; its
     * allocation is the sum of the volumes' allocations.
     */
    public record Pool(String name, UUID uuid, String path, List<Volume> volumes) {

        public Pool {
            requireText(name, "pool name");
            Objects.requireNonNull(uuid, "pool uuid");
            requireText(path, "pool path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("pool path must be absolute: " + path);
            }
            volumes = List.copyOf(volumes);
            Set<String> names = new HashSet<>();
            for (Volume volume : volumes) {
                unique(names, volume.name(), "volume name in pool '" + name + "'");
            }
        }

        /** Where a volume of this pool lives: {@code <path>/<volume name>}. */
        public String volumePath(String volumeName) {
            return path.endsWith("/") ? path + volumeName : path + "/" + volumeName;
        }

        public Volume volume(String volumeName) {
            return volumes.stream().filter(v -> v.name().equals(volumeName)).findFirst().orElse(null);
        }
    }

    /** A file volume in a pool; its name is its file name, so it may not contain '/'. */
    public record Volume(String name, long capacityMiB, long allocationMiB, VolumeFormat format) {

        public Volume {
            requireText(name, "volume name");
            if (name.contains("/")) {
                throw new IllegalArgumentException("volume name must not contain '/': " + name);
            }
            positive(capacityMiB, "capacityMiB");
            if (allocationMiB < 0 || allocationMiB > capacityMiB) {
                throw new IllegalArgumentException("allocationMiB must be 0.." + capacityMiB + ": " + allocationMiB);
            }
            Objects.requireNonNull(format, "volume format");
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void positive(long value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
    }

    private static <T> void unique(Set<T> seen, T value, String what) {
        if (!seen.add(value)) {
            throw new IllegalArgumentException("duplicate " + what + ": " + value);
        }
    }
}
