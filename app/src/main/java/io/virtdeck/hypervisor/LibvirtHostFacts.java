package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link HostGateway}. */
@Component
class LibvirtHostFacts implements HostGateway {

    private final HostConnections connections;

    LibvirtHostFacts(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public HostFacts hostFacts(long hostId) {
        return connections.call(hostId, session -> read(session.connect()));
    }

    @Override
    public HostResources resources(long hostId) {
        return connections.call(hostId, session -> {
            String arch = CapabilitiesReader.read(session.connect().getCapabilities()).arch();
            return new HostResources(freeMemoryMiB(session), arch, session.networks(), session.pools());
        });
    }

    @Override
    public HostSample sample(long hostId) {
        return connections.call(hostId, session -> {
            Connect connect = session.connect();
            List<GuestCounters> guests = new ArrayList<>();
            // state: the group every driver answers (the test driver no other), so each running domain has a record
            for (LibvirtNative.DomainStatsRecord record : session.domainStats(
                    LibvirtFlags.STATS_STATE | LibvirtFlags.STATS_CPU_TOTAL | LibvirtFlags.STATS_BALLOON
                            | LibvirtFlags.STATS_INTERFACE | LibvirtFlags.STATS_BLOCK,
                    LibvirtFlags.STATS_ACTIVE_DOMAINS)) {
                guests.add(DomainStatsReader.guest(record));
            }
            Map<String, Long> memory = LibvirtNative.nodeMemoryStats(connect);
            long totalKiB = 0;
            long usedKiB = 0;
            if (memory.isEmpty()) {
                totalKiB = connect.nodeInfo().memory;
                usedKiB = Math.max(0, totalKiB - freeMemoryMiB(session) * 1024);
            }
            HostCounters host = DomainStatsReader.host(LibvirtNative.nodeCpuStats(connect), memory, totalKiB, usedKiB);
            return new HostSample(host, guests);
        });
    }

    @Override
    public GuestPlatform guestPlatform(long hostId) {
        return connections.call(hostId, session -> {
            Connect connect = session.connect();
            GuestPlatform platform = GuestPlatformReader.choose(connect.getCapabilities());
            return LibvirtNative.domainCapabilities(connect, platform.arch(), platform.machine(),
                            platform.virtualization().domainType())
                    .map(xml -> GuestPlatformReader.withFirmware(platform, xml))
                    .orElse(platform); // no domain capabilities (the test driver): BIOS only
        });
    }

    @Override
    public HostCpuOffer cpuOffer(long hostId, String domainType) {
        return connections.call(hostId, session -> {
            Connect connect = session.connect();
            String capabilities = connect.getCapabilities();
            GuestPlatform platform = GuestPlatformReader.choose(capabilities);
            String type = domainType != null ? domainType : platform.virtualization().domainType();
            Optional<String> domainCapabilities = LibvirtNative.domainCapabilities(connect, platform.arch(),
                    platform.machine(), type);
            if (domainCapabilities.isEmpty()) {
                // libvirt's test driver: no domain capabilities; the models libvirt knows, the host's own CPU flags
                List<String> flags = CapabilitiesReader.read(capabilities).cpuFeatures().stream().sorted().toList();
                return new HostCpuOffer(type, Arrays.stream(GuestCpu.Mode.values()).map(GuestCpu.Mode::xml).toList(),
                        LibvirtNative.cpuModelNames(connect, platform.arch()), flags, flags);
            }
            CpuOfferReader.Modes modes = CpuOfferReader.modes(domainCapabilities.get());
            CpuOfferReader.Features features = modes.hostModelCpuXml() == null
                    ? new CpuOfferReader.Features(List.of(), List.of())
                    : CpuOfferReader.features(LibvirtNative.expandedCpu(connect, platform.arch(), type,
                            modes.hostModelCpuXml()).orElse(modes.hostModelCpuXml()));
            return new HostCpuOffer(type, modes.modes(), modes.models(), features.required(), features.named());
        });
    }

    @Override
    public CpuComparison compareCpu(long hostId, String domainType, String arch, String cpuXml) {
        return connections.call(hostId, session -> {
            try {
                return LibvirtNative.compareHypervisorCpu(session.connect(), arch, domainType, cpuXml);
            } catch (HypervisorException e) {
                if (e.kind() == HypervisorException.Kind.UNSUPPORTED) {
                    return CpuComparison.COMPATIBLE;
                }
                throw e;
            }
        });
    }

    /** The host's facts, as a probe and {@link #hostFacts} read them. */
    static HostFacts read(Connect connect) throws LibvirtException {
        NodeInfo node = connect.nodeInfo();
        CapabilitiesReader.Capabilities caps = CapabilitiesReader.read(connect.getCapabilities());
        return new HostFacts(connect.getHostName(), connect.getType(),
                caps.cpuModel() != null ? caps.cpuModel() : node.model,
                caps.arch() != null ? caps.arch() : node.model,
                node.cpus, node.sockets * Math.max(node.nodes, 1), node.cores, node.threads, node.mhz,
                node.memory / 1024, Math.max(caps.numaCells(), node.nodes),
                caps.hardwareVirtualization(), caps.guestDomainTypes(), caps.cpuFeatures());
    }

    /** The host's free memory; where libvirt cannot say (its test driver), memory minus what running domains hold. */
    private static long freeMemoryMiB(LibvirtSession session) throws LibvirtException {
        Connect connect = session.connect();
        try {
            return connect.getFreeMemory() / (1024 * 1024);
        } catch (LibvirtException e) {
            long usedKiB = session.eachDomain(Connect.ConnectListAllDomainsFlags.CONNECT_LIST_DOMAINS_ACTIVE,
                    domain -> domain.getInfo().memory).stream().mapToLong(Long::longValue).sum();
            return Math.max(0, connect.nodeInfo().memory - usedKiB) / 1024;
        }
    }
}
