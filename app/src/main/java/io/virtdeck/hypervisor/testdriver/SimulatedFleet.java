package io.virtdeck.hypervisor.testdriver;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.CpuTopology;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Disk;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Guest;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Network;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.NetworkMode;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Nic;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Pool;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.RunState;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Volume;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.VolumeFormat;

/**
 * The simulated fleet of the demo: hypervisor hosts for libvirt's test driver, generated deterministically from a
 * seed (same seed, same files, byte for byte).
 *
 * <p>{@link #demo()} is the three-host shape the demo shows: {@code sim-alpha} (16 CPUs, 64 GiB),
 * {@code sim-bravo} (32 CPUs, 128 GiB) and {@code sim-charlie} (64 CPUs, 256 GiB), 8 to 15 guests each.
 * {@link #of(long, int, int)} makes any number of hosts with a fixed number of guests each, for scale tests.
 *
 * <p>Every host has the NAT network {@code default} (192.168.122.0/24); the second and third of every three
 * hosts also have {@code isolated} (192.168.100.0/24). Every host has the dir pool {@code default} at
 * {@value #POOL_PATH} holding one volume per guest disk plus one or two installer ISOs. Guest names are unique
 * across the fleet ({@code web-01}, {@code db-02}, ...), as are MACs ({@code 52:54:00:xx:xx:xx}, up to 2^24 NICs)
 * and UUIDs (name-based, from the seed).
 */
public final class SimulatedFleet {

    /** The seed of the demo fleet. */
    public static final long DEMO_SEED = 20_260_601L;

    public static final String POOL_NAME = "default";
    public static final String POOL_PATH = "/var/lib/libvirt/images";
    public static final String NAT_NETWORK = "default";
    public static final String ISOLATED_NETWORK = "isolated";

    private static final String[] HOST_WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
        "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
        "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu"};

    private record HostProfile(CpuTopology cpu, long memoryMiB) {
    }

    private static final List<HostProfile> PROFILES = List.of(
            new HostProfile(new CpuTopology("Intel Xeon Silver 4309Y", 2800, 1, 1, 8, 2), 64 * 1024),
            new HostProfile(new CpuTopology("Intel Xeon Gold 6338", 2000, 1, 2, 8, 2), 128 * 1024),
            new HostProfile(new CpuTopology("AMD EPYC 7543", 2800, 2, 1, 16, 2), 256 * 1024));

    /** Guest roles, with how often each comes up (weights). */
    private static final String[] ROLES = {"web", "app", "api", "db", "cache", "mq", "build", "ci", "lb", "mon",
        "log", "dns", "mail", "git", "proxy", "vault"};
    private static final int[] ROLE_WEIGHTS = {6, 5, 4, 4, 2, 2, 3, 2, 2, 2, 2, 1, 1, 1, 2, 1};
    /** Roles that get a second, data disk. */
    private static final List<String> DATA_ROLES = List.of("db", "log", "build", "git", "mq");
    /** Roles that also sit on the isolated network, when the host has one. */
    private static final List<String> BACKEND_ROLES = List.of("db", "cache", "mq", "vault");

    private static final long[] MEMORY_MIB = {512, 1024, 2048, 4096, 8192, 16384};
    private static final int[] MEMORY_WEIGHTS = {1, 3, 4, 3, 2, 1};
    private static final long[] OS_DISK_MIB = {10 * 1024, 20 * 1024, 40 * 1024};
    private static final long[] DATA_DISK_MIB = {50 * 1024, 100 * 1024, 200 * 1024};

    private static final Volume DEBIAN_ISO = new Volume("debian-12.8.0-amd64-netinst.iso", 632, 632,
            VolumeFormat.ISO);
    private static final Volume UBUNTU_ISO = new Volume("ubuntu-24.04.1-live-server-amd64.iso", 2694, 2694,
            VolumeFormat.ISO);

    /**
     * The test driver reports every pool as 100 GiB; each host's volume allocations are kept under a budget drawn
     * between these bounds, so the pool's "available" stays positive and differs from host to host.
     */
    private static final long POOL_BUDGET_MIN_MIB = 45 * 1024;
    private static final long POOL_BUDGET_MAX_MIB = 90 * 1024;

    /** A written host file and the libvirt URI that opens it. */
    public record SimulatedHostFile(String hostName, Path file) {

        public SimulatedHostFile {
            Objects.requireNonNull(hostName, "hostName");
            file = file.toAbsolutePath();
        }

        /**
         * {@code test:///<absolute path>}, with characters a URI cannot hold (spaces, '#', '%', non-ASCII)
         * percent-encoded; libvirt decodes them again.
         */
        public String uri() {
            try {
                return new URI("test", "", file.toString(), null, null).toASCIIString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot make a test:// URI for " + file, e);
            }
        }
    }

    private final long seed;
    private final List<SimulatedHostSpec> hosts;

    private SimulatedFleet(long seed, List<SimulatedHostSpec> hosts) {
        this.seed = seed;
        this.hosts = List.copyOf(hosts);
    }

    /** The demo fleet: sim-alpha, sim-bravo, sim-charlie with 8 to 15 guests each, from {@link #DEMO_SEED}. */
    public static SimulatedFleet demo() {
        return demo(DEMO_SEED);
    }

    /** The three-host demo shape from another seed. */
    public static SimulatedFleet demo(long seed) {
        return generate(seed, 3, -1);
    }

    /** {@code hostCount} hosts with exactly {@code guestsPerHost} guests each (host profiles cycle through three). */
    public static SimulatedFleet of(long seed, int hostCount, int guestsPerHost) {
        if (hostCount < 1) {
            throw new IllegalArgumentException("hostCount must be at least 1: " + hostCount);
        }
        if (guestsPerHost < 0) {
            throw new IllegalArgumentException("guestsPerHost must not be negative: " + guestsPerHost);
        }
        return generate(seed, hostCount, guestsPerHost);
    }

    public long seed() {
        return seed;
    }

    public List<SimulatedHostSpec> hosts() {
        return hosts;
    }

    /** File name of a host's file: {@code <host name>.xml}. */
    public static String fileName(String hostName) {
        return hostName + ".xml";
    }

    /**
     * Writes one file per host into {@code dir} (created if missing), replacing files already there, and returns
     * them in host order.
     */
    public List<SimulatedHostFile> writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        TestDriverHostWriter writer = new TestDriverHostWriter();
        List<SimulatedHostFile> files = new ArrayList<>(hosts.size());
        for (SimulatedHostSpec host : hosts) {
            Path file = writer.write(host, dir.resolve(fileName(host.name())));
            files.add(new SimulatedHostFile(host.name(), file));
        }
        return List.copyOf(files);
    }

    /**
     * Writes a fleet's host files for scripts/simulate-fleet.sh, which registers them through the REST API: arguments
     * {@code <dir> <hosts> <guests per host> [seed]}; prints one {@code <host name> <URI>} line per host. Needs
     * nothing but the JDK and this package on the class path.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: SimulatedFleet <dir> <hosts> <guests per host> [seed]");
            System.exit(2);
        }
        long seed = args.length == 4 ? Long.parseLong(args[3]) : DEMO_SEED;
        SimulatedFleet fleet = of(seed, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        for (SimulatedHostFile file : fleet.writeTo(Path.of(args[0]))) {
            System.out.println(file.hostName() + " " + file.uri());
        }
    }

    /** Host name for position {@code index}: sim-alpha ... sim-zulu, then sim-alpha-2 ... */
    static String hostName(int index) {
        String word = HOST_WORDS[index % HOST_WORDS.length];
        int round = index / HOST_WORDS.length;
        return round == 0 ? "sim-" + word : "sim-" + word + "-" + (round + 1);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static SimulatedFleet generate(long seed, int hostCount, int guestsPerHost) {
        Generator generator = new Generator(seed);
        List<SimulatedHostSpec> hosts = new ArrayList<>(hostCount);
        for (int i = 0; i < hostCount; i++) {
            hosts.add(generator.host(i, guestsPerHost));
        }
        return new SimulatedFleet(seed, hosts);
    }

    /** Holds the fleet-wide counters (guest numbers per role, NIC count) while hosts are generated in order. */
    private static final class Generator {

        private final long seed;
        private final Map<String, Integer> roleCounters = new HashMap<>();
        private final int macBase;
        private long nicCount;

        Generator(long seed) {
            this.seed = seed;
            this.macBase = new Random(seed ^ 0x6D61635F62617365L).nextInt(1 << 24);
        }

        SimulatedHostSpec host(int index, int fixedGuestCount) {
            String name = hostName(index);
            // One random stream per host: a host's shape does not depend on how many random draws others took.
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
            HostProfile profile = PROFILES.get(index % PROFILES.size());
            int guestCount = fixedGuestCount >= 0 ? fixedGuestCount : 8 + random.nextInt(8);
            boolean isolated = index % 3 != 0;

            List<Network> networks = new ArrayList<>();
            networks.add(new Network(NAT_NETWORK, uuid("network", name, NAT_NETWORK), "virbr0", NetworkMode.NAT,
                    "192.168.122.1", 24, "192.168.122.2", "192.168.122.254"));
            if (isolated) {
                networks.add(new Network(ISOLATED_NETWORK, uuid("network", name, ISOLATED_NETWORK), "virbr1",
                        NetworkMode.ISOLATED, "192.168.100.1", 24, "192.168.100.2", "192.168.100.254"));
            }

            List<Volume> isos = index % 2 == 0 ? List.of(DEBIAN_ISO, UBUNTU_ISO) : List.of(DEBIAN_ISO);
            List<RunState> states = states(guestCount, random);
            List<Guest> guests = new ArrayList<>(guestCount);
            List<Volume> diskVolumes = new ArrayList<>();
            for (int g = 0; g < guestCount; g++) {
                guests.add(guest(name, states.get(g), isolated, isos, random, diskVolumes));
            }

            long budgetMiB = POOL_BUDGET_MIN_MIB
                    + (long) (random.nextDouble() * (POOL_BUDGET_MAX_MIB - POOL_BUDGET_MIN_MIB));
            List<Volume> volumes = new ArrayList<>(fitAllocations(diskVolumes, isos, budgetMiB));
            volumes.addAll(isos);
            Pool pool = new Pool(POOL_NAME, uuid("pool", name, POOL_NAME), POOL_PATH, volumes);
            return new SimulatedHostSpec(name, profile.cpu(), profile.memoryMiB(), guests, networks, List.of(pool));
        }

        private Guest guest(String hostName, RunState state, boolean hostHasIsolated, List<Volume> isos,
                Random random, List<Volume> volumesOut) {
            String role = ROLES[weighted(ROLE_WEIGHTS, random)];
            int number = roleCounters.merge(role, 1, Integer::sum);
            String name = String.format("%s-%02d", role, number);

            List<Disk> disks = new ArrayList<>();
            boolean raw = random.nextInt(6) == 0;
            VolumeFormat osFormat = raw ? VolumeFormat.RAW : VolumeFormat.QCOW2;
            String osVolume = name + (raw ? ".img" : ".qcow2");
            long osCapacity = OS_DISK_MIB[random.nextInt(OS_DISK_MIB.length)];
            volumesOut.add(new Volume(osVolume, osCapacity, allocation(osCapacity, random), osFormat));
            disks.add(Disk.disk(POOL_NAME, osVolume, "vda", osFormat));
            if (DATA_ROLES.contains(role)) {
                String dataVolume = name + "-data.qcow2";
                long dataCapacity = DATA_DISK_MIB[random.nextInt(DATA_DISK_MIB.length)];
                volumesOut.add(new Volume(dataVolume, dataCapacity, allocation(dataCapacity, random),
                        VolumeFormat.QCOW2));
                disks.add(Disk.disk(POOL_NAME, dataVolume, "vdb", VolumeFormat.QCOW2));
            }
            boolean installerAttached = state == RunState.SHUTOFF ? random.nextBoolean() : random.nextInt(8) == 0;
            if (installerAttached) {
                disks.add(Disk.cdrom(POOL_NAME, isos.get(random.nextInt(isos.size())).name(), "sda"));
            }

            List<Nic> nics = new ArrayList<>();
            nics.add(new Nic(NAT_NETWORK, nextMac()));
            if (hostHasIsolated && BACKEND_ROLES.contains(role)) {
                nics.add(new Nic(ISOLATED_NETWORK, nextMac()));
            }

            int vcpus = 1 + random.nextInt(4);
            long memoryMiB = MEMORY_MIB[weighted(MEMORY_WEIGHTS, random)];
            boolean vnc = random.nextInt(8) != 0;
            return new Guest(name, uuid("domain", hostName, name), vcpus, memoryMiB, state, disks, nics, vnc);
        }

        /** Mostly running (a strict majority); 15-25 % shut off; one or two paused (5 % on big hosts); shuffled. */
        private static List<RunState> states(int count, Random random) {
            int paused;
            if (count < 4) {
                paused = 0;
            } else if (count < 10) {
                paused = 1;
            } else if (count <= 20) {
                paused = 1 + random.nextInt(2);
            } else {
                paused = Math.max(2, count / 20);
            }
            int shutoff = count < 2 ? 0 : (int) Math.max(1, Math.round(count * (0.15 + random.nextDouble() * 0.10)));
            // "mostly running": keep running guests a strict majority
            shutoff = Math.max(0, Math.min(shutoff, count - paused - (count / 2 + 1)));
            List<RunState> states = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                states.add(i < paused ? RunState.PAUSED : i < paused + shutoff ? RunState.SHUTOFF : RunState.RUNNING);
            }
            Collections.shuffle(states, random);
            return states;
        }

        /** Thin provisioning: 5 % to 40 % of the capacity is written. */
        private static long allocation(long capacityMiB, Random random) {
            return Math.max(1, (long) (capacityMiB * (0.05 + random.nextDouble() * 0.35)));
        }

        /** Scales disk allocations down, when needed, so disks plus ISOs stay within the pool's budget. */
        private static List<Volume> fitAllocations(List<Volume> disks, List<Volume> isos, long budgetMiB) {
            long budget = budgetMiB - isos.stream().mapToLong(Volume::allocationMiB).sum();
            long total = disks.stream().mapToLong(Volume::allocationMiB).sum();
            if (total <= budget) {
                return disks;
            }
            double factor = (double) budget / total;
            List<Volume> scaled = new ArrayList<>(disks.size());
            for (Volume v : disks) {
                long allocation = Math.max(1, (long) (v.allocationMiB() * factor));
                scaled.add(new Volume(v.name(), v.capacityMiB(), allocation, v.format()));
            }
            return scaled;
        }

        /** 52:54:00 (QEMU's prefix) plus 24 bits; an odd step modulo 2^24 visits every value once. */
        private String nextMac() {
            if (nicCount >= (1 << 24)) {
                throw new IllegalStateException("more NICs than 52:54:00:xx:xx:xx addresses");
            }
            int low = (int) ((macBase + nicCount * 0x9E3779L) & 0xFFFFFF);
            nicCount++;
            return String.format("52:54:00:%02x:%02x:%02x", (low >> 16) & 0xFF, (low >> 8) & 0xFF, low & 0xFF);
        }

        private UUID uuid(String kind, String hostName, String objectName) {
            String key = "virtdeck-sim/" + seed + "/" + kind + "/" + hostName + "/" + objectName;
            return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
        }

        private static int weighted(int[] weights, Random random) {
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int pick = random.nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                pick -= weights[i];
                if (pick < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }
    }
}
