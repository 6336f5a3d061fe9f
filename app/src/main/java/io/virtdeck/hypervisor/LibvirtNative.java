package io.virtdeck.hypervisor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Network;
import org.libvirt.Stream;
import io.virtdeck.core.HypervisorException;

/**
 * libvirt calls that libvirt-java 0.5.4 does not bind, called through JNA against libvirt.so.0. Every such binding
 * lives here and nowhere else.
 */
final class LibvirtNative {

    private interface Calls extends Library {
        int virDomainMigrateStartPostCopy(Pointer domain, int flags);

        /** {@code flags}: virDomainShutdownFlagValues (libvirt-java binds only the call without flags). */
        int virDomainShutdownFlags(Pointer domain, int flags);

        /** {@code kib} is a C unsigned long: 64 bits on the hosts Virtdeck runs on (Linux x86_64). */
        int virDomainSetMemoryFlags(Pointer domain, long kib, int flags);

        String virGetLastErrorMessage();

        /** Returns the defined domain, which the caller frees, or null. */
        Pointer virDomainDefineXMLFlags(Pointer connect, String xml, int flags);

        int virDomainFree(Pointer domain);

        /** This thread's last error (libvirt owns it), or null. */
        Pointer virGetLastError();

        /** {@code command} and {@code section}: virNetworkUpdateCommand and virNetworkUpdateSection. */
        int virNetworkUpdate(Pointer network, int command, int section, int parentIndex, String xml, int flags);

        /** Fills {@code leases} with an array the caller frees, after freeing each lease; returns their count. */
        int virNetworkGetDHCPLeases(Pointer network, String mac, PointerByReference leases, int flags);

        void virNetworkDHCPLeaseFree(Pointer lease);

        /** Returns XML the caller must free, or null. */
        Pointer virConnectGetDomainCapabilities(Pointer connect, String emulator, String arch, String machine,
                                                String virtType, int flags);

        /** Returns a virCPUCompareResult (0 incompatible, 1 identical, 2 superset), -1 on failure. */
        int virConnectCompareHypervisorCPU(Pointer connect, String emulator, String arch, String machine,
                                           String virtType, String xmlCpu, int flags);

        /** Returns the CPU XML the caller must free, or null. */
        Pointer virConnectBaselineHypervisorCPU(Pointer connect, String emulator, String arch, String machine,
                                                String virtType, String[] xmlCpus, int count, int flags);

        /** Fills {@code models} with an array of names the caller frees, each and the array; returns their count. */
        int virConnectGetCPUModelNames(Pointer connect, String arch, PointerByReference models, int flags);

        /** Fills {@code records} with a NULL-terminated array of virDomainStatsRecordPtr; returns their count. */
        int virConnectGetAllDomainStats(Pointer connect, int stats, PointerByReference records, int flags);

        void virDomainStatsRecordListFree(Pointer records);

        int virDomainGetUUIDString(Pointer domain, byte[] buffer);

        /** Fills a virDomainInfo (40 bytes on x86_64). */
        int virDomainGetInfo(Pointer domain, Pointer info);

        /** Returns a file descriptor of a socket connected to the domain's graphics device {@code index}. */
        int virDomainOpenGraphicsFD(Pointer domain, int index, int flags);

        /** With {@code params} null, only sets {@code count}: how many virNodeCPUStats to pass next time. */
        int virNodeGetCPUStats(Pointer connect, int cpu, Pointer params, IntByReference count, int flags);

        int virNodeGetMemoryStats(Pointer connect, int cell, Pointer params, IntByReference count, int flags);

        /** With {@code mountpoints} null, every file system the guest agent knows; returns how many it froze. */
        int virDomainFSFreeze(Pointer domain, Pointer mountpoints, int count, int flags);

        int virDomainFSThaw(Pointer domain, Pointer mountpoints, int count, int flags);

        /** Returns the bytes received, 0 at the end, -2 while a non-blocking stream has nothing, -1 on failure. */
        int virStreamRecv(Pointer stream, byte[] data, long bytes);

        /**
         * Asks the guest agent for the {@code types} of facts (virDomainGuestInfoTypes); fills {@code params} with typed
         * parameters the caller frees with virTypedParamsFree.
         */
        int virDomainGetGuestInfo(Pointer domain, int types, PointerByReference params, IntByReference count,
                                  int flags);

        void virTypedParamsFree(Pointer params, int count);

        /** With {@code device} null, the domain's first console (its first serial port). */
        int virDomainOpenConsole(Pointer domain, String device, Pointer stream, int flags);
    }

    /** A connected socket's file descriptor, as libvirt returns one ({@link #openGraphics}). */
    private interface Sockets extends Library {
        int recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int shutdown(int fd, int how) throws LastErrorException;

        /** {@code value}: here a struct timeval, two longs on x86_64. */
        int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    // struct layouts on Linux x86_64 (the only platform Virtdeck supports)
    private static final int FIELD_LENGTH = 80; // VIR_TYPED_PARAM_FIELD_LENGTH, also virNodeCPUStats' field
    private static final int TYPED_PARAM_SIZE = 96; // field[80], int type, pad, 8-byte union
    private static final int NODE_STAT_SIZE = 88; // field[80], unsigned long long value
    private static final int RECORD_PARAMS = 8; // virDomainStatsRecord: dom, params, nparams
    private static final int RECORD_NPARAMS = 16;
    private static final int DOMAIN_INFO_SIZE = 40;

    /** virNetworkDHCPLease, field for field (libvirt-common.h / libvirt-network.h). */
    @Structure.FieldOrder({"iface", "expirytime", "type", "mac", "iaid", "ipaddr", "prefix", "hostname", "clientid"})
    public static final class Lease extends Structure {
        public String iface;
        public long expirytime;
        public int type;
        public String mac;
        public String iaid;
        public String ipaddr;
        public int prefix;
        public String hostname;
        public String clientid;

        public Lease(Pointer pointer) {
            super(pointer);
            read();
        }
    }

    /** virErrorNumber VIR_ERR_NO_SUPPORT, VIR_ERR_NO_NETWORK, VIR_ERR_CPU_INCOMPATIBLE */
    private static final int ERR_NO_SUPPORT = 3;
    private static final int ERR_NO_NETWORK = 43;
    private static final int ERR_CPU_INCOMPATIBLE = 91;
    /** VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE: an incompatible CPU is an error whose message names what is missing. */
    private static final int COMPARE_CPU_FAIL_INCOMPATIBLE = 1;
    /** VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES: every feature the model implies, listed. */
    private static final int BASELINE_CPU_EXPAND_FEATURES = 1;

    private static final Calls CALLS = Native.load("virt", Calls.class);
    private static final Sockets SOCKETS = Native.load("c", Sockets.class);
    private static final int MSG_NOSIGNAL = 0x4000; // a write to a closed peer fails with EPIPE, raises no SIGPIPE
    private static final int EINTR = 4;
    private static final int EAGAIN = 11; // a read timeout (SO_RCVTIMEO) ran out
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SHUT_RDWR = 2;
    private static final Field DOMAIN_POINTER = pointerField(Domain.class, "vdp");
    private static final Field CONNECT_POINTER = pointerField(Connect.class, "vcp");
    private static final Field NETWORK_POINTER = pointerField(Network.class, "vnp");
    private static final Field STREAM_POINTER = pointerField(Stream.class, "vsp");

    private LibvirtNative() {
    }

    /** Switches a running migration started with {@link Domain.MigrateFlags#POSTCOPY} to post-copy mode. */
    static void startPostCopy(Domain domain) {
        if (CALLS.virDomainMigrateStartPostCopy(pointer(domain), 0) < 0) {
            throw lastError(HypervisorException.Kind.INVALID_STATE);
        }
    }

    /** Asks the guest to shut down in the ways {@code flags} allow (virDomainShutdownFlagValues). */
    static void shutdown(Domain domain, int flags) {
        if (CALLS.virDomainShutdownFlags(pointer(domain), flags) < 0) {
            throw lastError();
        }
    }

    /** Defines a persistent domain from {@code xml} with virDomainDefineFlags (libvirt-java binds no flags here). */
    static void defineDomain(Connect connect, String xml, int flags) {
        Pointer domain = CALLS.virDomainDefineXMLFlags(pointer(CONNECT_POINTER, connect), xml, flags);
        if (domain == null) {
            throw lastError();
        }
        CALLS.virDomainFree(domain);
    }

    /** Sets the domain's memory (or, with {@code VIR_DOMAIN_MEM_MAXIMUM}, its maximum), live and/or in its definition. */
    static void setMemory(Domain domain, long kib, int flags) {
        if (CALLS.virDomainSetMemoryFlags(pointer(domain), kib, flags) < 0) {
            throw lastError(HypervisorException.Kind.INVALID_STATE);
        }
    }

    /**
     * Freezes every file system of the guest through its guest agent (virDomainFSFreeze), so that what is on its disks
     * is consistent; returns how many it froze. Fails when no agent answers: the caller then goes on crash-consistent.
     */
    static int freezeFileSystems(Domain domain) {
        int frozen = CALLS.virDomainFSFreeze(pointer(domain), null, 0, 0);
        if (frozen < 0) {
            throw lastError();
        }
        return frozen;
    }

    /**
     * What the guest agent says about the guest (virDomainGetGuestInfo), every typed parameter as text by libvirt's
     * name ({@code hostname}, {@code os.name}, {@code fs.0.mountpoint}, {@code fs.0.used-bytes}, ...). Fails when the
     * agent does not answer.
     */
    static Map<String, String> guestInfo(Domain domain, int types) {
        PointerByReference out = new PointerByReference();
        IntByReference count = new IntByReference(0);
        if (CALLS.virDomainGetGuestInfo(pointer(domain), types, out, count, 0) < 0) {
            throw lastError();
        }
        Pointer params = out.getValue();
        if (params == null) {
            return Map.of();
        }
        try {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < count.getValue(); i++) {
                long offset = (long) i * TYPED_PARAM_SIZE;
                long valueOffset = offset + FIELD_LENGTH + 8;
                String value = switch (params.getInt(offset + FIELD_LENGTH)) {
                    case 1 -> Integer.toString(params.getInt(valueOffset)); // INT
                    case 2 -> Integer.toUnsignedString(params.getInt(valueOffset)); // UINT
                    case 3 -> Long.toString(params.getLong(valueOffset)); // LLONG
                    case 4 -> Long.toUnsignedString(params.getLong(valueOffset)); // ULLONG
                    case 5 -> Double.toString(params.getDouble(valueOffset)); // DOUBLE
                    case 6 -> Boolean.toString(params.getByte(valueOffset) != 0); // BOOLEAN (a C char)
                    case 7 -> Optional.ofNullable(params.getPointer(valueOffset)).map(p -> p.getString(0, "UTF-8"))
                            .orElse(null); // STRING
                    default -> null;
                };
                if (value != null) {
                    values.put(params.getString(offset, "US-ASCII"), value);
                }
            }
            return values;
        } finally {
            CALLS.virTypedParamsFree(params, count.getValue());
        }
    }

    /** Connects the stream to the domain's first console; FORCE takes it from another client holding it. */
    static void openConsole(Domain domain, Stream stream) {
        openConsole(domain, stream, true);
    }

    /** As above; without {@code force}, fails while another client holds the console. */
    static void openConsole(Domain domain, Stream stream, boolean force) {
        if (CALLS.virDomainOpenConsole(pointer(domain), null, pointer(STREAM_POINTER, stream),
                force ? LibvirtFlags.CONSOLE_FORCE : 0) < 0) {
            throw lastError();
        }
    }

    /**
     * Receives from a stream into {@code buffer}: the byte count, 0 at its end, or {@link LibvirtFlags#STREAM_NO_DATA}
     * while a non-blocking stream has nothing (libvirt-java's receive cannot return that).
     */
    static int receive(Stream stream, byte[] buffer) {
        int received = CALLS.virStreamRecv(pointer(STREAM_POINTER, stream), buffer, buffer.length);
        if (received == -1) {
            throw lastError();
        }
        return received;
    }

    /**
     * Thaws what {@link #freezeFileSystems} froze (virDomainFSThaw); returns how many it thawed, 0 when nothing was
     * frozen. Fails when no agent answers.
     */
    static int thawFileSystems(Domain domain) {
        int thawed = CALLS.virDomainFSThaw(pointer(domain), null, 0, 0);
        if (thawed < 0) {
            throw lastError();
        }
        return thawed;
    }

    /**
     * The domain capabilities XML (virsh domcapabilities) for a domain type and architecture; empty when the driver
     * has none (libvirt's test driver) or refuses, so that callers fall back to what every host offers.
     */
    static Optional<String> domainCapabilities(Connect connect, String arch, String machine,
                                                         String virtType) {
        return takeString(CALLS.virConnectGetDomainCapabilities(pointer(CONNECT_POINTER, connect), null, arch,
                machine, virtType, 0));
    }

    /**
     * Whether the host's hypervisor can give a guest of {@code virtType} the CPU {@code cpuXml} describes
     * (virConnectCompareHypervisorCPU); when it cannot, libvirt's sentence naming the features it lacks. Fails for
     * drivers that cannot compare (libvirt's test driver: {@link HypervisorException.Kind#UNSUPPORTED}) and for a CPU
     * libvirt cannot read (an unknown model or feature).
     */
    static CpuComparison compareHypervisorCpu(Connect connect, String arch, String virtType, String cpuXml) {
        int result = CALLS.virConnectCompareHypervisorCPU(pointer(CONNECT_POINTER, connect), null, arch, null,
                virtType, cpuXml, COMPARE_CPU_FAIL_INCOMPATIBLE);
        if (result >= 0) {
            return result == 0 ? new CpuComparison(false, null) : CpuComparison.COMPATIBLE;
        }
        if (lastErrorCode() == ERR_CPU_INCOMPATIBLE) {
            return new CpuComparison(false, CALLS.virGetLastErrorMessage());
        }
        throw lastError();
    }

    /**
     * The CPU the host's hypervisor gives a guest of {@code virtType} in host-model mode, every feature listed with its
     * policy (virConnectBaselineHypervisorCPU of that CPU, features expanded); empty where the driver cannot say.
     */
    static Optional<String> expandedCpu(Connect connect, String arch, String virtType, String cpuXml) {
        Pointer xml = CALLS.virConnectBaselineHypervisorCPU(pointer(CONNECT_POINTER, connect), null, arch, null,
                virtType, new String[] {cpuXml}, 1, BASELINE_CPU_EXPAND_FEATURES);
        return takeString(xml);
    }

    /** The names of the CPU models libvirt knows for the architecture (virConnectGetCPUModelNames). */
    static List<String> cpuModelNames(Connect connect, String arch) {
        PointerByReference out = new PointerByReference();
        int count = CALLS.virConnectGetCPUModelNames(pointer(CONNECT_POINTER, connect), arch, out, 0);
        if (count < 0) {
            throw lastError();
        }
        Pointer array = out.getValue();
        if (array == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(count);
        try {
            for (Pointer name : array.getPointerArray(0, count)) {
                names.add(name.getString(0, "UTF-8"));
                Native.free(Pointer.nativeValue(name));
            }
        } finally {
            Native.free(Pointer.nativeValue(array));
        }
        return names;
    }

    /** A string libvirt allocated, read and freed; empty for null. */
    private static Optional<String> takeString(Pointer text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(text.getString(0, "UTF-8"));
        } finally {
            Native.free(Pointer.nativeValue(text));
        }
    }

    /**
     * One domain's numeric statistics from the bulk call, by libvirt's field name ({@code cpu.time},
     * {@code block.0.rd.bytes}, ...). {@code infoCpuTimeNs} and {@code infoMemoryKiB} come from virDomainGetInfo and
     * are only read when the bulk record lacks the cpu group (drivers that answer little, like the test driver).
     */
    record DomainStatsRecord(UUID uuid, Map<String, Long> values, Long infoCpuTimeNs, Long infoMemoryKiB) {
    }

    /**
     * virConnectGetAllDomainStats for the domains {@code domains} selects (virConnectGetAllDomainStatsFlags): one call
     * for the whole host. The records and their domain handles are freed with virDomainStatsRecordListFree before
     * this returns. A driver without the call (LXC) fails with {@link HypervisorException.Kind#UNSUPPORTED}.
     */
    static List<DomainStatsRecord> allDomainStats(Connect connect, int groups, int domains) {
        PointerByReference out = new PointerByReference();
        int count = CALLS.virConnectGetAllDomainStats(pointer(CONNECT_POINTER, connect), groups, out, domains);
        if (count < 0) {
            throw lastError(lastErrorCode() == ERR_NO_SUPPORT ? HypervisorException.Kind.UNSUPPORTED
                    : HypervisorException.Kind.FAILED);
        }
        Pointer records = out.getValue();
        if (records == null) {
            return List.of();
        }
        try {
            List<DomainStatsRecord> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Pointer record = records.getPointer((long) i * Native.POINTER_SIZE);
                Pointer domain = record.getPointer(0);
                Map<String, Long> values = numericParams(record.getPointer(RECORD_PARAMS),
                        record.getInt(RECORD_NPARAMS));
                Long infoCpu = null;
                Long infoMemory = null;
                if (!values.containsKey("cpu.time")) {
                    Memory info = new Memory(DOMAIN_INFO_SIZE);
                    if (CALLS.virDomainGetInfo(domain, info) == 0) {
                        infoMemory = info.getLong(16);
                        infoCpu = info.getLong(32);
                    }
                }
                result.add(new DomainStatsRecord(uuidOf(domain), values, infoCpu, infoMemory));
            }
            return result;
        } finally {
            CALLS.virDomainStatsRecordListFree(records);
        }
    }

    /** virNodeGetCPUStats over all CPUs, in nanoseconds by field (Linux: kernel, user, idle, iowait). */
    static Map<String, Long> nodeCpuStats(Connect connect) {
        return nodeStats(connect, true);
    }

    /** virNodeGetMemoryStats over all cells, in KiB by field (total, free, buffers, cached); empty where unsupported. */
    static Map<String, Long> nodeMemoryStats(Connect connect) {
        return nodeStats(connect, false);
    }

    private static Map<String, Long> nodeStats(Connect connect, boolean cpu) {
        Pointer conn = pointer(CONNECT_POINTER, connect);
        IntByReference count = new IntByReference(0);
        int asked = cpu ? CALLS.virNodeGetCPUStats(conn, LibvirtFlags.NODE_STATS_ALL, null, count, 0)
                : CALLS.virNodeGetMemoryStats(conn, LibvirtFlags.NODE_STATS_ALL, null, count, 0);
        if (asked < 0 || count.getValue() <= 0) {
            return Map.of();
        }
        Memory params = new Memory((long) count.getValue() * NODE_STAT_SIZE);
        params.clear();
        int filled = cpu ? CALLS.virNodeGetCPUStats(conn, LibvirtFlags.NODE_STATS_ALL, params, count, 0)
                : CALLS.virNodeGetMemoryStats(conn, LibvirtFlags.NODE_STATS_ALL, params, count, 0);
        if (filled < 0) {
            return Map.of();
        }
        Map<String, Long> values = new HashMap<>();
        for (int i = 0; i < count.getValue(); i++) {
            long offset = (long) i * NODE_STAT_SIZE;
            values.put(params.getString(offset, "US-ASCII"), params.getLong(offset + FIELD_LENGTH));
        }
        return values;
    }

    /** Numeric typed parameters by name; strings and booleans (names, paths) are not needed for rates. */
    private static Map<String, Long> numericParams(Pointer params, int count) {
        Map<String, Long> values = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            long offset = (long) i * TYPED_PARAM_SIZE;
            int type = params.getInt(offset + FIELD_LENGTH);
            long valueOffset = offset + FIELD_LENGTH + 8;
            Long value = switch (type) {
                case 1 -> (long) params.getInt(valueOffset); // INT
                case 2 -> Integer.toUnsignedLong(params.getInt(valueOffset)); // UINT
                case 3, 4 -> params.getLong(valueOffset); // LLONG, ULLONG
                case 5 -> (long) params.getDouble(valueOffset); // DOUBLE
                default -> null; // BOOLEAN, STRING
            };
            if (value != null) {
                values.put(params.getString(offset, "US-ASCII"), value);
            }
        }
        return values;
    }

    private static UUID uuidOf(Pointer domain) {
        byte[] buffer = new byte[37]; // VIR_UUID_STRING_BUFLEN
        if (CALLS.virDomainGetUUIDString(domain, buffer) < 0) {
            throw lastError(HypervisorException.Kind.FAILED);
        }
        return UUID.fromString(Native.toString(buffer, "US-ASCII"));
    }

    /**
     * Adds ({@link LibvirtFlags#NETWORK_UPDATE_ADD_LAST}) or deletes ({@link LibvirtFlags#NETWORK_UPDATE_DELETE}) a
     * static DHCP host entry of the network's IPv4 DHCP, in the scopes of {@code flags} (virNetworkUpdateFlags: live,
     * config).
     */
    static void updateDhcpHost(Network network, int command, String hostXml, int flags) {
        if (CALLS.virNetworkUpdate(pointer(NETWORK_POINTER, network), command,
                LibvirtFlags.NETWORK_SECTION_IP_DHCP_HOST, -1, hostXml, flags) < 0) {
            throw lastError();
        }
    }

    /** The network's DHCP leases, read out of libvirt's structures, which are then freed. */
    static List<DhcpLease> dhcpLeases(Network network) {
        PointerByReference array = new PointerByReference();
        int count = CALLS.virNetworkGetDHCPLeases(pointer(NETWORK_POINTER, network), null, array, 0);
        if (count < 0) {
            throw lastError();
        }
        List<DhcpLease> leases = new ArrayList<>();
        Pointer leasesArray = array.getValue();
        if (leasesArray == null) {
            return leases;
        }
        try {
            for (Pointer each : leasesArray.getPointerArray(0, count)) {
                try {
                    Lease lease = new Lease(each);
                    leases.add(new DhcpLease(lease.mac, lease.ipaddr, lease.prefix,
                            lease.type == LibvirtFlags.IP_ADDR_IPV6 ? "ipv6" : "ipv4", lease.hostname,
                            Instant.ofEpochSecond(lease.expirytime)));
                } finally {
                    CALLS.virNetworkDHCPLeaseFree(each);
                }
            }
        } finally {
            Native.free(Pointer.nativeValue(leasesArray));
        }
        return leases;
    }

    /**
     * A socket connected to the running domain's first graphics device: libvirt has QEMU accept one end of a new
     * socket pair as a client and passes the other end to Virtdeck, which only a connection over a local UNIX socket
     * can carry (over TCP libvirt answers "Receiving file descriptors is not supported on this socket").
     */
    static int openGraphics(Domain domain) {
        int fd = CALLS.virDomainOpenGraphicsFD(pointer(domain), 0, 0);
        if (fd < 0) {
            throw lastError();
        }
        return fd;
    }

    /** Reads up to {@code length} bytes from a socket's descriptor; 0 at its end. */
    static int receive(int fd, byte[] buffer, int length) throws IOException {
        while (true) {
            try {
                return SOCKETS.recv(fd, buffer, length, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    throw new SocketTimeoutException("the display did not answer in time");
                }
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("reading the display's socket failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Writes all {@code length} bytes to a socket's descriptor. */
    static void sendAll(int fd, byte[] buffer, int length) throws IOException {
        int done = 0;
        byte[] rest = buffer;
        while (done < length) {
            try {
                if (done > 0) {
                    rest = Arrays.copyOfRange(buffer, done, length);
                }
                done += SOCKETS.send(fd, rest, length - done, MSG_NOSIGNAL);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("writing to the display's socket failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** How long a read of the socket waits before it fails (SO_RCVTIMEO); zero: for ever. */
    static void receiveTimeout(int fd, long millis) throws IOException {
        try {
            SOCKETS.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {millis / 1000, millis % 1000 * 1000}, 16);
        } catch (LastErrorException e) {
            throw new IOException("cannot set the display's socket's read timeout: " + e.getMessage(), e);
        }
    }

    /** Ends both directions of a socket: a thread blocked reading it returns 0, one writing fails. */
    static void shutdown(int fd) {
        try {
            SOCKETS.shutdown(fd, SHUT_RDWR);
        } catch (LastErrorException e) {
            // not connected any more: nothing to end
        }
    }

    static void close(int fd) {
        try {
            SOCKETS.close(fd);
        } catch (LastErrorException e) {
            // the descriptor is released even when close reports an error (Linux)
        }
    }

    /** libvirt's last error on this thread (it keeps one per thread), with its kind from its virErrorNumber. */
    private static HypervisorException lastError() {
        HypervisorException.Kind kind = switch (lastErrorCode()) {
            case ERR_NO_SUPPORT -> HypervisorException.Kind.UNSUPPORTED;
            case ERR_NO_NETWORK -> HypervisorException.Kind.NOT_FOUND;
            default -> HypervisorException.Kind.INVALID_STATE;
        };
        return lastError(kind);
    }

    /** libvirt's last error on this thread, of the kind given, with its virErrorNumber. */
    private static HypervisorException lastError(HypervisorException.Kind kind) {
        return new HypervisorException(kind, lastErrorCode(), CALLS.virGetLastErrorMessage(), null);
    }

    private static int lastErrorCode() {
        Pointer error = CALLS.virGetLastError();
        return error == null ? HypervisorException.NO_CODE : error.getInt(0); // virError starts with its int code
    }

    private static Pointer pointer(Domain domain) {
        return pointer(DOMAIN_POINTER, domain);
    }

    private static Pointer pointer(Field field, Object handle) {
        try {
            return ((PointerType) field.get(handle)).getPointer();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("libvirt-java's native pointer cannot be read", e);
        }
    }

    private static Field pointerField(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this libvirt-java has no " + type.getSimpleName() + "." + name
                    + "; update LibvirtNative", e);
        }
    }
}
