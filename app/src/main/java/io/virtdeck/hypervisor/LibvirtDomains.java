package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.SchedLongParameter;
import org.libvirt.SchedParameter;
import org.libvirt.SchedUlongParameter;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link DomainGateway}. */
@Component
class LibvirtDomains implements DomainGateway {

    private final HostConnections connections;
    private final ApplicationEventPublisher events;

    LibvirtDomains(HostConnections connections, ApplicationEventPublisher events) {
        this.connections = connections;
        this.events = events;
    }

    @Override
    public List<DomainFacts> listDomains(long hostId) {
        return connections.call(hostId, session -> session.eachDomain(0, LibvirtDomains::read));
    }

    @Override
    public List<DomainSummary> summaries(long hostId) {
        return connections.call(hostId, session -> {
            Set<UUID> persistent = Set.copyOf(session.eachDomain(LibvirtFlags.LIST_PERSISTENT, LibvirtDomains::uuid));
            Set<UUID> autostart = Set.copyOf(session.eachDomain(LibvirtFlags.LIST_AUTOSTART, LibvirtDomains::uuid));
            Set<UUID> saved = Set.copyOf(session.eachDomain(LibvirtFlags.LIST_MANAGEDSAVE, LibvirtDomains::uuid));
            List<DomainSummary> summaries = new ArrayList<>();
            for (LibvirtNative.DomainStatsRecord record : session.domainStats(LibvirtFlags.STATS_STATE,
                    LibvirtFlags.STATS_ALL_DOMAINS)) {
                UUID uuid = record.uuid();
                summaries.add(new DomainSummary(uuid, runState(record.values().get("state.state")),
                        persistent.contains(uuid), autostart.contains(uuid), saved.contains(uuid)));
            }
            return summaries;
        });
    }

    private static UUID uuid(Domain domain) throws LibvirtException {
        return UUID.fromString(domain.getUUIDString()); // read from the handle: no call to the host
    }

    /** virDomainState as the bulk call gives it (a number); an unknown one is UNKNOWN. */
    private static DomainRunState runState(Long state) {
        DomainInfo.DomainState[] states = DomainInfo.DomainState.values();
        return state == null || state < 0 || state >= states.length ? DomainRunState.UNKNOWN
                : runState(states[state.intValue()]);
    }

    @Override
    public DomainFacts domain(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, LibvirtDomains::read));
    }

    @Override
    public String domainXml(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> domain.getXMLDesc(0)));
    }

    @Override
    public void perform(long hostId, UUID uuid, DomainAction action) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            switch (action) {
                case START -> domain.create();
                case SHUTDOWN -> {
                    int mode = shutdownMode(session);
                    if (mode != 0) {
                        LibvirtNative.shutdown(domain, mode);
                    } else {
                        domain.shutdown();
                    }
                }
                case POWEROFF -> domain.destroy();
                case REBOOT -> domain.reboot(shutdownMode(session));
                case RESET -> domain.reset();
                case SUSPEND -> domain.suspend();
                case RESUME -> domain.resume();
                case SAVE -> domain.managedSave();
                case DISCARD_SAVE -> domain.managedSaveRemove();
            }
            return null;
        }));
    }

    /**
     * How shutdown and reboot ask (virDomainShutdownFlagValues, the same numbers as virDomainRebootFlagValues), 0 for
     * the driver's default. QEMU: the ACPI power button, as libvirt's default prefers a connected guest agent and
     * then waits for the guest to go down (up to a minute), or for a silent agent to time out, on this call. LXC: a
     * signal to the container's init, as the default only writes to an initctl FIFO and, when the container has
     * none, does nothing and reports success. Other drivers (the test driver) take no flags.
     */
    private static int shutdownMode(LibvirtSession session) throws LibvirtException {
        return switch (session.connect().getType()) {
            case "QEMU" -> LibvirtFlags.SHUTDOWN_ACPI_POWER_BTN;
            case "LXC" -> LibvirtFlags.SHUTDOWN_SIGNAL;
            default -> 0;
        };
    }

    @Override
    public List<String> undefine(long hostId, UUID uuid, boolean deleteStorage) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            List<String> volumeSources = new ArrayList<>();
            if (deleteStorage) {
                for (DiskFacts disk : DomainXmlReader.read(domain.getXMLDesc(0)).disks()) {
                    if ("disk".equals(disk.device()) && disk.source() != null) {
                        volumeSources.add(disk.source());
                    }
                }
            }
            undefineWithMetadata(domain);
            Set<String> pools = new TreeSet<>();
            List<String> deleted = LibvirtStorage.deleteVolumesOf(session, volumeSources, pools);
            pools.forEach(pool -> events.publishEvent(new PoolVolumesChanged(hostId, pool)));
            return deleted;
        }));
    }

    @Override
    public String definitionXml(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid,
                domain -> domain.getXMLDesc(LibvirtFlags.XML_INACTIVE)));
    }

    @Override
    public void defineFromDefinition(long hostId, String definitionXml) {
        connections.call(hostId, session -> session.connect().domainDefineXML(definitionXml).free());
    }

    @Override
    public void define(long hostId, DomainSpec spec) {
        connections.call(hostId, session -> session.connect().domainDefineXML(DomainXmlWriter.write(spec)).free());
    }

    @Override
    public void defineContainer(long hostId, ContainerSpec spec) {
        connections.call(hostId, session -> {
            LibvirtNative.defineDomain(session.connect(), ContainerXml.write(spec), LibvirtFlags.DEFINE_VALIDATE);
            return null;
        });
    }

    @Override
    public void defineClone(long sourceHostId, UUID source, long targetHostId, String name, UUID uuid,
                            Map<String, PooledVolume> copies) {
        String definition = connections.call(sourceHostId,
                session -> session.domain(source, original -> original.getXMLDesc(LibvirtFlags.XML_INACTIVE)));
        String xml = DomainCloneXml.write(definition, name, uuid, copies);
        connections.call(targetHostId, session -> session.connect().domainDefineXML(xml).free());
    }

    @Override
    public void setAutostart(long hostId, UUID uuid, boolean autostart) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            domain.setAutostart(autostart);
            return null;
        }));
    }

    @Override
    public void resize(long hostId, UUID uuid, Integer vcpus, Long memoryMiB) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            boolean running = domain.isActive() == 1;
            // the running domain first (it may refuse: beyond its maximum), then the definition; one at a time,
            // as some drivers (the test driver) take no both-at-once
            List<Integer> scopes = new ArrayList<>();
            if (running) {
                scopes.add(LibvirtFlags.AFFECT_LIVE);
            }
            if (domain.isPersistent() == 1) {
                scopes.add(LibvirtFlags.AFFECT_CONFIG);
            }
            for (int scope : scopes) {
                boolean definitionOfStopped = scope == LibvirtFlags.AFFECT_CONFIG && !running;
                if (vcpus != null) {
                    if (definitionOfStopped) {
                        domain.setVcpusFlags(vcpus, LibvirtFlags.AFFECT_CONFIG | LibvirtFlags.VCPU_MAXIMUM);
                    }
                    domain.setVcpusFlags(vcpus, scope);
                }
                if (memoryMiB != null) {
                    if (definitionOfStopped) {
                        LibvirtNative.setMemory(domain, memoryMiB * 1024,
                                LibvirtFlags.AFFECT_CONFIG | LibvirtFlags.MEM_MAXIMUM);
                    }
                    LibvirtNative.setMemory(domain, memoryMiB * 1024, scope);
                }
            }
            return null;
        }));
    }

    @Override
    public ResourceLimits limits(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid,
                domain -> LimitsXml.read(domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS))));
    }

    @Override
    public void setLimits(long hostId, UUID uuid, ResourceLimits limits) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            Connect connect = session.connect();
            String definition = domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS);
            connect.domainDefineXML(LimitsXml.write(definition, limits)).free();
            SchedParameter[] live = liveCpuLimits(limits);
            if (live.length > 0 && domain.isActive() == 1 && "QEMU".equals(connect.getType())) {
                domain.setSchedulerParameters(live);
            }
            return null;
        }));
    }

    @Override
    public DomainCpu cpu(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid,
                domain -> CpuXml.read(domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS))));
    }

    @Override
    public void setCpu(long hostId, UUID uuid, GuestCpu cpu) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            String definition = domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS);
            session.connect().domainDefineXML(CpuXml.write(definition, cpu)).free();
            return null;
        }));
    }

    /** QEMU's scheduler parameters for what the limits set (an unset limit keeps its running value). */
    private static SchedParameter[] liveCpuLimits(ResourceLimits limits) {
        List<SchedParameter> parameters = new ArrayList<>();
        if (limits.cpuShares() != null) {
            parameters.add(named(new SchedUlongParameter(limits.cpuShares()), "cpu_shares"));
        }
        if (limits.cpuPeriodUs() != null) {
            parameters.add(named(new SchedUlongParameter(limits.cpuPeriodUs()), "vcpu_period"));
        }
        if (limits.cpuQuotaUs() != null) {
            parameters.add(named(new SchedLongParameter(limits.cpuQuotaUs()), "vcpu_quota"));
        }
        return parameters.toArray(new SchedParameter[0]);
    }

    private static SchedParameter named(SchedParameter parameter, String field) {
        parameter.field = field;
        return parameter;
    }

    private static void undefineWithMetadata(Domain domain) throws LibvirtException {
        try {
            domain.undefine(Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA);
        } catch (LibvirtException e) {
            // drivers without managed save or snapshots refuse the flags: as unsupported, or (LXC) as invalid
            if (LibvirtErrors.kindOf(e) != HypervisorException.Kind.UNSUPPORTED
                    && LibvirtErrors.codeOf(e) != HypervisorException.INVALID_ARG) {
                throw e;
            }
            domain.undefine();
        }
    }

    static DomainFacts read(Domain domain) throws LibvirtException {
        DomainXmlReader.DomainConfig config = DomainXmlReader.read(domain.getXMLDesc(0));
        DomainInfo info = domain.getInfo();
        boolean persistent = domain.isPersistent() == 1;
        boolean autostart = persistent && domain.getAutostart();
        DomainRunState state = runState(info.state);
        // only a shut-off, persistent domain can hold a managed save image: no extra call for the others
        boolean managedSave = persistent && state == DomainRunState.SHUTOFF && domain.hasManagedSaveImage() == 1;
        return new DomainFacts(config.uuid(), config.name(), state, config.vcpus(), config.memoryMiB(),
                autostart, persistent, managedSave, config.osType(), config.disks(), config.nics(), config.graphics(),
                config.serialConsole());
    }

    private static DomainRunState runState(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_SHUTDOWN -> DomainRunState.RUNNING;
            case VIR_DOMAIN_PAUSED, VIR_DOMAIN_PMSUSPENDED -> DomainRunState.PAUSED;
            case VIR_DOMAIN_SHUTOFF -> DomainRunState.SHUTOFF;
            case VIR_DOMAIN_CRASHED -> DomainRunState.CRASHED;
            default -> DomainRunState.UNKNOWN;
        };
    }
}
