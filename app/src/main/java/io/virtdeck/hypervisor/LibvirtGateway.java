package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import jakarta.annotation.PreDestroy;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainJobStats;
import org.libvirt.DomainSnapshot;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.NodeInfo;
import org.libvirt.SchedLongParameter;
import org.libvirt.SchedParameter;
import org.libvirt.SchedUlongParameter;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.libvirt.StorageVolInfo;
import org.libvirt.Stream;
import org.libvirt.TypedIntParameter;
import org.libvirt.TypedLongParameter;
import org.libvirt.TypedParameter;
import org.libvirt.TypedUintParameter;
import org.libvirt.TypedUlongParameter;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The libvirt-backed {@link HypervisorGateway}: one {@link HostConnection} per host this instance monitors (it holds
 * the host's lease), with lifecycle events. A host another instance monitors is reached for an action through a
 * connection of its own that carries calls only, no events, and is closed once idle.
 */
@Component
public class LibvirtGateway implements HypervisorGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtGateway.class);
    private static final int JOB_NONE = 0; // virDomainJobType VIR_DOMAIN_JOB_NONE
    private static final int JOB_STATS_COMPLETED = 1; // VIR_DOMAIN_JOB_STATS_COMPLETED

    /** How long a calls-only connection to a host another instance monitors stays open unused. */
    private static final Duration VISIT_IDLE = Duration.ofMinutes(2);

    private final HypervisorProperties properties;
    private final ApplicationEventPublisher events;
    private final Map<Long, HostConnection> hosts = new ConcurrentHashMap<>();
    private final Map<Long, HostConnection> visits = new ConcurrentHashMap<>();
    // connections of hosts no longer monitored here, closed once the calls underway on them are done
    private final Set<HostConnection> retiring = ConcurrentHashMap.newKeySet();
    private final HostDirectory directory;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("libvirt-connect"));
    // Events leave libvirt's loop thread at once (listeners call back into libvirt) and stay in order.
    private final ExecutorService eventDispatch = Executors.newSingleThreadExecutor(daemon("libvirt-events"));

    public LibvirtGateway(HypervisorProperties properties, ApplicationEventPublisher events, HostDirectory directory) {
        this.properties = properties;
        this.events = events;
        this.directory = directory;
        scheduler.scheduleWithFixedDelay(this::closeIdleVisits, VISIT_IDLE.toSeconds(), VISIT_IDLE.toSeconds() / 2,
                TimeUnit.SECONDS);
    }

    @Override
    public HostFacts probe(String uri, HostCredentials credentials) {
        HostConnection probe = new HostConnection(-1, uri, () -> credentials, properties, scheduler, state -> { },
                (d, e) -> 0);
        try {
            return probe.openNow(LibvirtGateway::readHostFacts);
        } finally {
            probe.close();
        }
    }

    @Override
    public void manage(long hostId, String uri) {
        HostConnection previous = hosts.get(hostId);
        if (previous != null && previous.uri().equals(uri)) {
            return;
        }
        HostConnection connection = new HostConnection(hostId, uri, () -> directory.credentials(hostId), properties,
                scheduler, events::publishEvent, lifecycleListener(hostId));
        hosts.put(hostId, connection);
        if (previous != null) {
            previous.close();
        }
        connection.start();
    }

    @Override
    public SshOptions sshOptions(long hostId) {
        HostCredentials credentials = directory.credentials(hostId);
        boolean ssh = credentials instanceof HostCredentials.SshKeyFile
                || credentials instanceof HostCredentials.StoredSshKey;
        return new SshOptions(CredentialFiles.prepare("", ssh ? credentials : HostCredentials.NONE));
    }

    @Override
    public void reconnect(long hostId) {
        HostConnection visit = visits.remove(hostId);
        if (visit != null) {
            retiring.add(visit); // closed once the calls underway on it are done
        }
        HostConnection monitored = hosts.get(hostId);
        if (monitored != null) {
            stopMonitoring(hostId); // closed off this thread: closing can wait on a dead host
            manage(hostId, monitored.uri());
        } else if (visit != null) {
            scheduler.execute(this::closeIdleVisits);
        }
    }

    @Override
    public void release(long hostId) {
        HostConnection connection = hosts.remove(hostId);
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public void stopMonitoring(long hostId) {
        HostConnection connection = hosts.remove(hostId);
        if (connection != null) {
            connection.retire();
            retiring.add(connection);
            scheduler.execute(this::closeIdleVisits); // closing can wait on a dead host: not on the caller's thread
        }
    }

    @Override
    public ConnectionState state(long hostId) {
        HostConnection connection = hosts.get(hostId);
        if (connection != null) {
            return connection.state();
        }
        return directory.find(hostId).filter(HostDirectory.KnownHost::reportedConnected).isPresent()
                ? ConnectionState.CONNECTED : ConnectionState.UNREACHABLE;
    }

    @Override
    public boolean monitoring(long hostId) {
        HostConnection connection = hosts.get(hostId);
        return connection != null && connection.state() == ConnectionState.CONNECTED;
    }

    @Override
    public Set<Long> monitoredHosts() {
        return Set.copyOf(hosts.keySet());
    }

    @Override
    public HostFacts hostFacts(long hostId) {
        return host(hostId).call(LibvirtGateway::readHostFacts);
    }

    @Override
    public List<DomainFacts> listDomains(long hostId) {
        return host(hostId).call(connect -> {
            List<DomainFacts> domains = new ArrayList<>();
            for (Domain domain : connect.listAllDomains(0)) {
                try {
                    domains.add(readDomain(domain));
                } catch (LibvirtException e) {
                    // undefined between listing and reading: the next event or reconcile settles it
                    if (LibvirtErrors.kindOf(e) != HypervisorException.Kind.NOT_FOUND) {
                        throw e;
                    }
                } finally {
                    domain.free();
                }
            }
            return domains;
        });
    }

    @Override
    public DomainFacts domain(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, LibvirtGateway::readDomain);
    }

    @Override
    public String domainXml(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, domain -> domain.getXMLDesc(0));
    }

    @Override
    public void perform(long hostId, UUID uuid, DomainAction action) {
        onDomain(hostId, uuid, domain -> {
            switch (action) {
                case START -> domain.create();
                case SHUTDOWN -> domain.shutdown();
                case POWEROFF -> domain.destroy();
                case REBOOT -> domain.reboot(0);
                case RESET -> domain.reset();
                case SUSPEND -> domain.suspend();
                case RESUME -> domain.resume();
                case SAVE -> domain.managedSave();
                case DISCARD_SAVE -> domain.managedSaveRemove();
            }
            return null;
        });
    }

    @Override
    public List<String> undefine(long hostId, UUID uuid, boolean deleteStorage) {
        return host(hostId).call(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                List<String> volumePaths = new ArrayList<>();
                if (deleteStorage) {
                    for (DiskFacts disk : DomainXmlReader.read(domain.getXMLDesc(0)).disks()) {
                        if ("disk".equals(disk.device()) && disk.source() != null) {
                            volumePaths.add(disk.source());
                        }
                    }
                }
                undefineWithMetadata(domain);
                Set<String> pools = new TreeSet<>();
                List<String> deleted = deleteVolumes(connect, volumePaths, pools);
                pools.forEach(pool -> volumesChanged(hostId, pool, pool));
                return deleted;
            } finally {
                domain.free();
            }
        });
    }

    @Override
    public HostResources resources(long hostId) {
        return host(hostId).call(connect -> {
            Map<String, Boolean> networks = new TreeMap<>();
            for (String name : connect.listNetworks()) {
                networks.put(name, true);
            }
            for (String name : connect.listDefinedNetworks()) {
                networks.put(name, false);
            }
            Map<String, Boolean> pools = new TreeMap<>();
            for (String name : connect.listStoragePools()) {
                pools.put(name, true);
            }
            for (String name : connect.listDefinedStoragePools()) {
                pools.put(name, false);
            }
            String arch = CapabilitiesReader.read(connect.getCapabilities()).arch();
            return new HostResources(freeMemoryMiB(connect), arch, networks, pools);
        });
    }

    @Override
    public HostSample sample(long hostId) {
        return host(hostId).call(connect -> {
            List<GuestCounters> guests = new ArrayList<>();
            // state: the group every driver answers (the test driver no other), so each running domain has a record
            for (LibvirtNative.DomainStatsRecord record : LibvirtNative.allDomainStats(connect,
                    LibvirtNative.STATS_STATE | LibvirtNative.STATS_CPU_TOTAL | LibvirtNative.STATS_BALLOON
                            | LibvirtNative.STATS_INTERFACE | LibvirtNative.STATS_BLOCK)) {
                guests.add(DomainStatsReader.guest(record));
            }
            Map<String, Long> memory = LibvirtNative.nodeMemoryStats(connect);
            long totalKiB = 0;
            long usedKiB = 0;
            if (memory.isEmpty()) {
                totalKiB = connect.nodeInfo().memory;
                usedKiB = Math.max(0, totalKiB - freeMemoryMiB(connect) * 1024);
            }
            HostCounters host = DomainStatsReader.host(LibvirtNative.nodeCpuStats(connect), memory, totalKiB, usedKiB);
            return new HostSample(host, guests);
        });
    }

    /** The host's free memory; where libvirt cannot say (its test driver), memory minus what running domains hold. */
    private static long freeMemoryMiB(Connect connect) throws LibvirtException {
        try {
            return connect.getFreeMemory() / (1024 * 1024);
        } catch (LibvirtException e) {
            long usedKiB = 0;
            for (Domain domain : connect.listAllDomains(Connect.ConnectListAllDomainsFlags.CONNECT_LIST_DOMAINS_ACTIVE)) {
                try {
                    usedKiB += domain.getInfo().memory;
                } finally {
                    domain.free();
                }
            }
            return Math.max(0, connect.nodeInfo().memory - usedKiB) / 1024;
        }
    }

    @Override
    public MigrationNeeds migrationNeeds(long hostId, UUID uuid) {
        return host(hostId).call(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                String hostCpu = CapabilitiesReader.read(connect.getCapabilities()).cpuXml();
                MigrationNeeds needs = DomainXmlReader.migrationNeeds(domain.getXMLDesc(0), hostCpu,
                        domain.snapshotNum());
                return withPoolsOfPaths(connect, needs);
            } finally {
                domain.free();
            }
        });
    }

    @Override
    public CpuCompatibility compareCpu(long hostId, String cpuXml) {
        return host(hostId).call(connect -> switch (connect.compareCPU(cpuXml)) {
            case VIR_CPU_COMPARE_INCOMPATIBLE -> CpuCompatibility.INCOMPATIBLE;
            case VIR_CPU_COMPARE_IDENTICAL -> CpuCompatibility.IDENTICAL;
            case VIR_CPU_COMPARE_SUPERSET -> CpuCompatibility.SUPERSET;
            default -> CpuCompatibility.UNKNOWN;
        });
    }

    @Override
    public void migrate(long hostId, UUID uuid, String targetUri, MigrationOptions options) {
        host(hostId).callUntilDone(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                // peer-to-peer: the URI is the target libvirtd's, which the source daemon connects to itself
                domain.migrateToURI(targetUri, migrateFlags(options, domain.isPersistent() == 1), null,
                        options.bandwidthMiBps() == null ? 0 : options.bandwidthMiBps());
                return null;
            } finally {
                domain.free();
            }
        });
    }

    private static int migrateFlags(MigrationOptions options, boolean persistent) {
        int flags = Domain.MigrateFlags.PEER2PEER;
        if (persistent) {
            flags |= Domain.MigrateFlags.PERSIST_DEST | Domain.MigrateFlags.UNDEFINE_SOURCE;
        }
        if (options.live()) {
            flags |= Domain.MigrateFlags.LIVE;
            flags |= options.autoConverge() ? Domain.MigrateFlags.AUTO_CONVERGE : 0;
            flags |= options.postCopy() ? Domain.MigrateFlags.POSTCOPY : 0;
            flags |= options.copyStorage() ? Domain.MigrateFlags.NON_SHARED_DISK : 0;
        } else {
            flags |= Domain.MigrateFlags.OFFLINE;
        }
        flags |= options.unsafe() ? Domain.MigrateFlags.UNSAFE : 0;
        return flags;
    }

    @Override
    public Optional<MigrationProgress> migrationProgress(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, domain -> {
            DomainJobStats stats = domain.getJobStats(0);
            if (stats.type == JOB_NONE) {
                return Optional.empty();
            }
            Map<String, Long> values = numbers(stats.stats);
            return Optional.of(new MigrationProgress(values.getOrDefault("time_elapsed", 0L),
                    values.getOrDefault("data_total", 0L), values.getOrDefault("data_processed", 0L),
                    values.getOrDefault("data_remaining", 0L), values.getOrDefault("memory_bps", 0L),
                    values.getOrDefault("memory_iteration", 0L), values.getOrDefault("downtime", -1L)));
        });
    }

    @Override
    public Optional<Long> lastMigrationDowntimeMs(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, domain -> {
            DomainJobStats stats = domain.getJobStats(JOB_STATS_COMPLETED);
            return Optional.ofNullable(numbers(stats.stats).get("downtime"));
        });
    }

    @Override
    public void setMigrationMaxDowntime(long hostId, UUID uuid, long milliseconds) {
        onDomain(hostId, uuid, domain -> domain.migrateSetMaxDowntime(milliseconds));
    }

    @Override
    public void startPostCopy(long hostId, UUID uuid) {
        onDomain(hostId, uuid, domain -> {
            LibvirtNative.startPostCopy(domain);
            return null;
        });
    }

    @Override
    public void abortJob(long hostId, UUID uuid) {
        onDomain(hostId, uuid, Domain::abortJob);
    }

    @Override
    public VncEndpoint vncEndpoint(long hostId, UUID uuid) {
        HostConnection host = host(hostId);
        DomainXmlReader.DomainConfig config = onDomain(hostId, uuid,
                domain -> DomainXmlReader.read(domain.getXMLDesc(0)));
        return VncEndpoints.resolve(host.uri(), config.name(), config.graphics());
    }

    @Override
    public void setVncPassword(long hostId, UUID uuid, String password, Instant validUntil) {
        onDomain(hostId, uuid, domain -> domain.updateDeviceFlags(
                GraphicsXml.vncWithPassword(domain.getXMLDesc(0), password, validUntil), Domain.DeviceModifyFlags.LIVE));
    }

    @Override
    public GuestPlatform guestPlatform(long hostId) {
        return host(hostId).call(connect -> {
            GuestPlatform platform = GuestPlatformReader.choose(connect.getCapabilities());
            return LibvirtNative.domainCapabilities(connect, platform.arch(), platform.machine(),
                            platform.virtualization().domainType())
                    .map(xml -> GuestPlatformReader.withFirmware(platform, xml))
                    .orElse(platform); // no domain capabilities (the test driver): BIOS only
        });
    }

    @Override
    public List<PoolFacts> pools(long hostId) {
        return host(hostId).call(connect -> {
            List<PoolFacts> pools = new ArrayList<>();
            List<String> names = new ArrayList<>(List.of(connect.listStoragePools()));
            names.addAll(List.of(connect.listDefinedStoragePools()));
            for (String name : names) {
                StoragePool pool = connect.storagePoolLookupByName(name);
                try {
                    StoragePoolInfo info = pool.getInfo();
                    String xml = pool.getXMLDesc(0);
                    pools.add(new PoolFacts(name, StorageXml.poolType(xml), pool.isActive() == 1,
                            mib(info.capacity), mib(info.allocation), mib(info.available), pool.getAutostart(),
                            StorageXml.poolTarget(xml), StorageXml.poolSource(xml)));
                } finally {
                    pool.free();
                }
            }
            pools.sort(Comparator.comparing(PoolFacts::name));
            return pools;
        });
    }

    @Override
    public List<VolumeFacts> volumes(long hostId, String pool) {
        return onPool(hostId, pool, storagePool -> {
            try {
                storagePool.refresh(0);
            } catch (LibvirtException e) {
                log.debug("host {}: pool {} not refreshed: {}", hostId, pool, LibvirtErrors.message(e));
            }
            List<VolumeFacts> volumes = new ArrayList<>();
            for (String name : storagePool.listVolumes()) {
                StorageVol volume = storagePool.storageVolLookupByName(name);
                try {
                    volumes.add(readVolume(volume));
                } finally {
                    volume.free();
                }
            }
            volumes.sort(Comparator.comparing(VolumeFacts::name));
            return volumes;
        });
    }

    @Override
    public List<NetworkFacts> networks(long hostId) {
        return host(hostId).call(connect -> {
            List<String> names = new ArrayList<>(List.of(connect.listNetworks()));
            names.addAll(List.of(connect.listDefinedNetworks()));
            List<NetworkFacts> networks = new ArrayList<>();
            for (String name : names) {
                Network network = connect.networkLookupByName(name);
                try {
                    networks.add(NetworkXml.read(network.getXMLDesc(0), network.isActive() == 1,
                            network.getAutostart()));
                } finally {
                    network.free();
                }
            }
            networks.sort(Comparator.comparing(NetworkFacts::name));
            return networks;
        });
    }

    @Override
    public NetworkFacts createNetwork(long hostId, NetworkFacts spec) {
        host(hostId).call(connect -> {
            Network network = connect.networkDefineXML(NetworkXml.write(spec));
            try {
                network.create();
                network.setAutostart(true);
            } catch (LibvirtException e) {
                if (network.isActive() == 1) {
                    network.destroy();
                }
                network.undefine(); // nothing half made
                throw e;
            } finally {
                network.free();
            }
            return null;
        });
        return networks(hostId).stream().filter(n -> n.name().equals(spec.name())).findFirst().orElseThrow();
    }

    @Override
    public void setNetworkActive(long hostId, String name, boolean active) {
        onNetwork(hostId, name, network -> {
            if (active && network.isActive() != 1) {
                network.create();
            } else if (!active && network.isActive() == 1) {
                network.destroy();
            }
            return null;
        });
    }

    @Override
    public void deleteNetwork(long hostId, String name) {
        onNetwork(hostId, name, network -> {
            if (network.isActive() == 1) {
                network.destroy();
            }
            network.undefine();
            return null;
        });
    }

    @Override
    public void setNetworkAutostart(long hostId, String name, boolean autostart) {
        onNetwork(hostId, name, network -> {
            network.setAutostart(autostart);
            return null;
        });
    }

    @Override
    public void addDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host) {
        updateDhcpHost(hostId, network, LibvirtNative.UPDATE_ADD_LAST, host);
    }

    @Override
    public void removeDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host) {
        updateDhcpHost(hostId, network, LibvirtNative.UPDATE_DELETE, host);
    }

    /** virNetworkUpdateFlags: the running network and the definition. */
    private static final int NETWORK_AFFECT_LIVE = 1;
    private static final int NETWORK_AFFECT_CONFIG = 2;

    private void updateDhcpHost(long hostId, String name, int command, NetworkFacts.DhcpHost host) {
        onNetwork(hostId, name, network -> {
            // a stopped network has only its definition; a running one gets the entry at once as well
            int flags = network.isActive() == 1 ? NETWORK_AFFECT_LIVE | NETWORK_AFFECT_CONFIG : NETWORK_AFFECT_CONFIG;
            LibvirtNative.updateDhcpHost(network, command, NetworkXml.dhcpHost(host), flags);
            return null;
        });
    }

    @Override
    public List<DhcpLease> dhcpLeases(long hostId, String name) {
        return onNetwork(hostId, name, LibvirtNative::dhcpLeases);
    }

    private <T> T onNetwork(long hostId, String name, NetworkCall<T> call) {
        return host(hostId).call(connect -> {
            Network network = connect.networkLookupByName(name);
            try {
                return call.apply(network);
            } finally {
                network.free();
            }
        });
    }

    @Override
    public PoolFacts createPool(long hostId, PoolSpec spec, boolean build) {
        host(hostId).call(connect -> {
            StoragePool pool = connect.storagePoolDefineXML(StorageXml.newPool(spec), 0);
            boolean built = false;
            try {
                if (build) {
                    pool.build(0);
                    built = true;
                }
                pool.create(0);
                pool.setAutostart(1);
            } catch (LibvirtException e) {
                if (pool.isActive() == 1) {
                    pool.destroy();
                }
                if (built) {
                    try {
                        pool.delete(0); // undoes only what this build made: an empty directory, a new volume group
                    } catch (LibvirtException cleanup) {
                        log.warn("host {}: what building pool {} made is left: {}", hostId, spec.name(),
                                LibvirtErrors.message(cleanup));
                    }
                }
                pool.undefine(); // nothing half made: a pool that cannot start is not left defined
                throw e;
            } finally {
                pool.free();
            }
            return null;
        });
        return pool(hostId, spec.name());
    }

    @Override
    public void poolAction(long hostId, String name, PoolAction action) {
        onPool(hostId, name, pool -> {
            switch (action) {
                case BUILD -> pool.build(0);
                case START -> pool.create(0);
                case STOP -> pool.destroy();
                case REFRESH -> pool.refresh(0);
                case AUTOSTART_ON -> pool.setAutostart(1);
                case AUTOSTART_OFF -> pool.setAutostart(0);
            }
            return null;
        });
    }

    @Override
    public void deletePool(long hostId, String name, boolean removeEmptyDirectory) {
        onPool(hostId, name, pool -> {
            if (pool.isActive() == 1) {
                pool.destroy();
            }
            if (removeEmptyDirectory) {
                try {
                    pool.delete(0); // rmdir: libvirt leaves a directory that still holds files
                } catch (LibvirtException e) {
                    log.debug("host {}: directory of pool {} kept: {}", hostId, name, LibvirtErrors.message(e));
                }
            }
            pool.undefine();
            return null;
        });
    }

    private PoolFacts pool(long hostId, String name) {
        return pools(hostId).stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Without the call timeout: allocating a large raw volume on slow storage takes as long as it takes. */
    @Override
    public VolumeFacts createVolume(long hostId, String pool, NewVolume newVolume) {
        return volumesChanged(hostId, pool, host(hostId).callUntilDone(connect -> {
            StoragePool storagePool = connect.storagePoolLookupByName(pool);
            try {
                StorageVol volume = storagePool.storageVolCreateXML(StorageXml.newVolume(newVolume), 0);
                try {
                    return readVolume(volume);
                } finally {
                    volume.free();
                }
            } finally {
                storagePool.free();
            }
        }));
    }

    @Override
    public void deleteVolume(long hostId, String pool, String name) {
        volumesChanged(hostId, pool, onPool(hostId, pool, storagePool -> {
            StorageVol volume = storagePool.storageVolLookupByName(name);
            try {
                volume.delete(0);
                return null;
            } finally {
                volume.free();
            }
        }));
    }

    @Override
    public Optional<PooledVolume> diskVolume(long hostId, String source) {
        return host(hostId).call(connect -> {
            StorageVol volume;
            try {
                volume = source.startsWith("/") ? connect.storageVolLookupByPath(source)
                        : volumeByPoolAndName(connect, source);
            } catch (LibvirtException e) {
                if (LibvirtErrors.kindOf(e) == HypervisorException.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
            try {
                StoragePool pool = volume.storagePoolLookupByVolume();
                try {
                    return Optional.of(new PooledVolume(pool.getName(), readVolume(volume)));
                } finally {
                    pool.free();
                }
            } finally {
                volume.free();
            }
        });
    }

    /** "pool/volume", as a disk of type volume names it. */
    private static StorageVol volumeByPoolAndName(Connect connect, String reference) throws LibvirtException {
        int slash = reference.indexOf('/');
        StoragePool pool = connect.storagePoolLookupByName(reference.substring(0, Math.max(slash, 0)));
        try {
            return pool.storageVolLookupByName(reference.substring(slash + 1));
        } finally {
            pool.free();
        }
    }

    @Override
    public Optional<VolumeFacts> volume(long hostId, String pool, String name) {
        return onPool(hostId, pool, storagePool -> {
            StorageVol volume;
            try {
                volume = storagePool.storageVolLookupByName(name);
            } catch (LibvirtException e) {
                if (LibvirtErrors.kindOf(e) == HypervisorException.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
            try {
                return Optional.of(readVolume(volume));
            } finally {
                volume.free();
            }
        });
    }

    /** Without the call timeout: copying a large disk takes as long as the storage needs. */
    @Override
    public VolumeFacts copyVolume(long hostId, String pool, String source, String name) {
        return volumesChanged(hostId, pool, host(hostId).callUntilDone(connect -> {
            StoragePool storagePool = connect.storagePoolLookupByName(pool);
            StorageVol original = null;
            try {
                original = storagePool.storageVolLookupByName(source);
                StorageVol copy = storagePool.storageVolCreateXMLFrom(
                        StorageXml.copyOf(original.getXMLDesc(0), name), original, 0);
                try {
                    return readVolume(copy);
                } finally {
                    copy.free();
                }
            } finally {
                if (original != null) {
                    original.free();
                }
                storagePool.free();
            }
        }));
    }

    @Override
    public VolumeFacts resizeVolume(long hostId, String pool, String name, long capacityMiB) {
        return volumesChanged(hostId, pool, onPool(hostId, pool, storagePool -> {
            StorageVol volume = storagePool.storageVolLookupByName(name);
            try {
                volume.resize(capacityMiB * 1024 * 1024, 0);
                return readVolume(volume);
            } finally {
                volume.free();
            }
        }));
    }

    @Override
    public VolumeFacts linkVolume(long hostId, String pool, String source, String name) {
        return volumesChanged(hostId, pool, host(hostId).callUntilDone(connect -> {
            StoragePool storagePool = connect.storagePoolLookupByName(pool);
            try {
                StorageVol original = storagePool.storageVolLookupByName(source);
                String overlayXml;
                try {
                    overlayXml = StorageXml.overlayOf(original.getXMLDesc(0), name);
                } finally {
                    original.free();
                }
                StorageVol overlay = storagePool.storageVolCreateXML(overlayXml, 0);
                try {
                    return readVolume(overlay);
                } finally {
                    overlay.free();
                }
            } finally {
                storagePool.free();
            }
        }));
    }

    @Override
    public VolumeFacts createUploadTarget(long hostId, String pool, String name, long bytes) {
        return volumesChanged(hostId, pool, onPool(hostId, pool, storagePool -> {
            StorageVol volume = storagePool.storageVolCreateXML(StorageXml.uploadTarget(name, bytes), 0);
            try {
                return readVolume(volume);
            } finally {
                volume.free();
            }
        }));
    }

    /** Tells the hosts sharing the pool's storage (see {@link PoolVolumesChanged}); returns {@code result}. */
    private <T> T volumesChanged(long hostId, String pool, T result) {
        events.publishEvent(new PoolVolumesChanged(hostId, pool));
        return result;
    }

    @Override
    public long volumeBytes(long hostId, String pool, String volume) {
        return onVolume(hostId, pool, volume, storageVol -> StorageXml.physicalBytes(storageVol.getXMLDesc(0)));
    }

    /** libvirt's largest stream message payload (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX): one chunk per message. */
    private static final int STREAM_CHUNK = 256 * 1024;

    @Override
    public long downloadVolume(long hostId, String pool, String volume, OutputStream out, LongConsumer progress) {
        return host(hostId).callUntilDone(connect -> withVolume(connect, pool, volume, storageVol ->
                withStream(connect, stream -> {
                    storageVol.download(stream, 0, 0, 0);
                    byte[] chunk = new byte[STREAM_CHUNK];
                    long total = 0;
                    int received;
                    while ((received = stream.receive(chunk)) > 0) { // 0: the end of the volume
                        out.write(chunk, 0, received);
                        total += received;
                        progress.accept(total);
                    }
                    stream.finish();
                    return total;
                })));
    }

    @Override
    public void uploadVolume(long hostId, String pool, String volume, InputStream in, long length,
                             LongConsumer progress) {
        volumesChanged(hostId, pool, host(hostId).callUntilDone(connect -> withVolume(connect, pool, volume, storageVol ->
                withStream(connect, stream -> {
                    storageVol.upload(stream, 0, length, 0);
                    byte[] chunk = new byte[STREAM_CHUNK];
                    long sent = 0;
                    while (sent < length) {
                        int read = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, length - sent));
                        if (read == 0) {
                            throw new HypervisorException(HypervisorException.Kind.FAILED, "the upload ended after "
                                    + sent + " of " + length + " bytes");
                        }
                        sendAll(stream, read == chunk.length ? chunk : Arrays.copyOf(chunk, read));
                        sent += read;
                        progress.accept(sent);
                    }
                    stream.finish(); // libvirt then refreshes the pool and probes the volume's format
                    return null;
                }))));
    }

    /**
     * Runs work on a new blocking stream of the connection. A failure aborts the stream (free() alone would finish
     * it, committing a partial upload); an I/O failure on the caller's side arrives as UncheckedIOException.
     */
    private static <T> T withStream(Connect connect, StreamCall<T> work) throws LibvirtException {
        Stream stream = connect.streamNew(0);
        try {
            return work.apply(stream);
        } catch (IOException e) {
            abortQuietly(stream);
            throw new UncheckedIOException(e);
        } catch (LibvirtException | RuntimeException e) {
            abortQuietly(stream);
            throw e;
        } finally {
            stream.free();
        }
    }

    @FunctionalInterface
    private interface StreamCall<T> {
        T apply(Stream stream) throws LibvirtException, IOException;
    }

    /** Stream.send takes a whole array and may take only part of it: the rest goes again until all is sent. */
    private static void sendAll(Stream stream, byte[] bytes) throws LibvirtException {
        byte[] remaining = bytes;
        while (remaining.length > 0) {
            int sent = stream.send(remaining);
            remaining = Arrays.copyOfRange(remaining, sent, remaining.length);
        }
    }

    /** Ends a stream that failed, so that free() does not finish it. */
    private static void abortQuietly(Stream stream) {
        try {
            stream.abort();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("aborting a libvirt stream: {}", e.getMessage());
        }
    }

    private <T> T onVolume(long hostId, String pool, String volume, VolumeCall<T> work) {
        return host(hostId).call(connect -> withVolume(connect, pool, volume, work));
    }

    private static <T> T withVolume(Connect connect, String pool, String volume, VolumeCall<T> work)
            throws LibvirtException {
        StoragePool storagePool = connect.storagePoolLookupByName(pool);
        try {
            StorageVol storageVol = storagePool.storageVolLookupByName(volume);
            try {
                return work.apply(storageVol);
            } finally {
                storageVol.free();
            }
        } finally {
            storagePool.free();
        }
    }

    @FunctionalInterface
    private interface VolumeCall<T> {
        T apply(StorageVol volume) throws LibvirtException;
    }

    /** virDomainXMLFlags VIR_DOMAIN_XML_INACTIVE: the persistent definition, not the running guest's live XML. */
    private static final int XML_INACTIVE = 2;

    @Override
    public void defineClone(long sourceHostId, UUID source, long targetHostId, String name, UUID uuid,
                            Map<String, PooledVolume> copies) {
        String xml = DomainCloneXml.write(onDomain(sourceHostId, source, original -> original.getXMLDesc(XML_INACTIVE)),
                name, uuid, copies);
        host(targetHostId).call(connect -> {
            connect.domainDefineXML(xml).free();
            return null;
        });
    }

    @Override
    public Optional<String> volumeBackingFile(long hostId, String pool, String volume) {
        return onPool(hostId, pool, storagePool -> {
            StorageVol found = storagePool.storageVolLookupByName(volume);
            try {
                return Optional.ofNullable(StorageXml.backingFile(found.getXMLDesc(0)));
            } finally {
                found.free();
            }
        });
    }

    @Override
    public void define(long hostId, DomainSpec spec) {
        host(hostId).call(connect -> {
            connect.domainDefineXML(DomainXmlWriter.write(spec)).free();
            return null;
        });
    }

    @Override
    public void setAutostart(long hostId, UUID uuid, boolean autostart) {
        onDomain(hostId, uuid, domain -> {
            domain.setAutostart(autostart);
            return null;
        });
    }

    /** virDomainModificationImpact and the flags that go with it (libvirt-java names only some of them). */
    private static final int AFFECT_LIVE = 1;
    private static final int AFFECT_CONFIG = 2;
    private static final int VCPU_MAXIMUM = 4;
    private static final int MEM_MAXIMUM = 4;

    @Override
    public void resize(long hostId, UUID uuid, Integer vcpus, Long memoryMiB) {
        onDomain(hostId, uuid, domain -> {
            boolean running = domain.isActive() == 1;
            // the running domain first (it may refuse: beyond its maximum), then the definition; one at a time,
            // as some drivers (the test driver) take no both-at-once
            List<Integer> scopes = new ArrayList<>();
            if (running) {
                scopes.add(AFFECT_LIVE);
            }
            if (domain.isPersistent() == 1) {
                scopes.add(AFFECT_CONFIG);
            }
            for (int scope : scopes) {
                boolean definitionOfStopped = scope == AFFECT_CONFIG && !running;
                if (vcpus != null) {
                    if (definitionOfStopped) {
                        domain.setVcpusFlags(vcpus, AFFECT_CONFIG | VCPU_MAXIMUM);
                    }
                    domain.setVcpusFlags(vcpus, scope);
                }
                if (memoryMiB != null) {
                    if (definitionOfStopped) {
                        LibvirtNative.setMemory(domain, memoryMiB * 1024, AFFECT_CONFIG | MEM_MAXIMUM);
                    }
                    LibvirtNative.setMemory(domain, memoryMiB * 1024, scope);
                }
            }
            return null;
        });
    }

    @Override
    public String attachDisk(long hostId, UUID uuid, String pool, String volume, String format) {
        return onDomain(hostId, uuid, domain -> {
            String device = DeviceXml.disk(domain.getXMLDesc(0), pool, volume, format);
            domain.attachDeviceFlags(device, plugScope(domain));
            return SafeXml.attr(SafeXml.child(SafeXml.parse(device).getDocumentElement(), "target"), "dev");
        });
    }

    @Override
    public void attachNic(long hostId, UUID uuid, NicSpec nic) {
        onDomain(hostId, uuid, domain -> {
            domain.attachDeviceFlags(DeviceXml.nic(nic), plugScope(domain));
            return null;
        });
    }

    @Override
    public boolean detachDisk(long hostId, UUID uuid, String target, java.time.Duration patience) {
        return detach(hostId, uuid, xml -> DeviceXml.diskAt(xml, target), "disk " + target, patience);
    }

    @Override
    public boolean detachNic(long hostId, UUID uuid, String mac, java.time.Duration patience) {
        return detach(hostId, uuid, xml -> DeviceXml.nicWithMac(xml, mac), "NIC " + mac, patience);
    }

    /**
     * Asks libvirt to unplug the device (it waits a few seconds for the guest itself), then watches the live domain
     * until the device is gone or patience runs out: a guest releases a device when its OS agrees to.
     */
    private boolean detach(long hostId, UUID uuid, java.util.function.Function<String, Optional<String>> find,
                           String what, java.time.Duration patience) {
        String device = onDomain(hostId, uuid, domain -> find.apply(domain.getXMLDesc(0)).orElseThrow(
                () -> new HypervisorException(HypervisorException.Kind.NOT_FOUND, "the guest has no " + what)));
        host(hostId).callUntilDone(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                domain.detachDeviceFlags(device, plugScope(domain));
            } finally {
                domain.free();
            }
            return null;
        });
        long deadline = System.nanoTime() + patience.toNanos();
        while (onDomain(hostId, uuid, domain -> find.apply(domain.getXMLDesc(0)).isPresent())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Hot-plug reaches the running domain and its definition; a shut-off domain has only the definition. */
    private static int plugScope(Domain domain) throws LibvirtException {
        int scope = domain.isPersistent() == 1 ? AFFECT_CONFIG : 0;
        return domain.isActive() == 1 ? scope | AFFECT_LIVE : AFFECT_CONFIG;
    }

    private static void addMacs(Set<String> macs, String domainXml) {
        DomainXmlReader.read(domainXml).nics().stream().filter(nic -> nic.mac() != null)
                .forEach(nic -> macs.add(nic.mac().toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public Set<String> nicMacs(long hostId) {
        return host(hostId).call(connect -> {
            Set<String> macs = new TreeSet<>();
            for (Domain domain : connect.listAllDomains(0)) {
                try {
                    addMacs(macs, domain.getXMLDesc(0));
                    if (domain.isActive() == 1 && domain.isPersistent() == 1) {
                        addMacs(macs, domain.getXMLDesc(XML_INACTIVE)); // the definition may differ from the live one
                    }
                } catch (LibvirtException e) {
                    if (LibvirtErrors.kindOf(e) != HypervisorException.Kind.NOT_FOUND) {
                        throw e;
                    } // undefined meanwhile: its MACs are free
                } finally {
                    domain.free();
                }
            }
            return macs;
        });
    }

    @Override
    public Set<String> hostInterfaces(long hostId) {
        return host(hostId).call(connect -> {
            Set<String> names = new TreeSet<>();
            try {
                names.addAll(List.of(connect.listInterfaces()));
            } catch (LibvirtException e) {
                // no interface driver on this host: the networks' bridges are what is known
                log.debug("host {}: no interface list: {}", hostId, LibvirtErrors.message(e));
            }
            List<String> networks = new ArrayList<>(List.of(connect.listNetworks()));
            networks.addAll(List.of(connect.listDefinedNetworks()));
            for (String name : networks) {
                Network network = connect.networkLookupByName(name);
                try {
                    String bridge = NetworkXml.read(network.getXMLDesc(0), false, false).bridge();
                    if (bridge != null) {
                        names.add(bridge);
                    }
                } finally {
                    network.free();
                }
            }
            return names;
        });
    }

    /** virDomainXMLFlags VIR_DOMAIN_XML_SECURE: secrets such as VNC passwords kept in the XML. */
    private static final int XML_SECURE = 1;
    /** The definition (not the running state) with its secrets: what redefining a domain must start from. */
    private static final int DEFINITION_WITH_SECRETS = XML_INACTIVE | XML_SECURE;

    @Override
    public ResourceLimits limits(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, domain -> LimitsXml.read(domain.getXMLDesc(DEFINITION_WITH_SECRETS)));
    }

    @Override
    public void setLimits(long hostId, UUID uuid, ResourceLimits limits) {
        host(hostId).call(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                connect.domainDefineXML(LimitsXml.write(domain.getXMLDesc(DEFINITION_WITH_SECRETS), limits)).free();
                SchedParameter[] live = liveCpuLimits(limits);
                if (live.length > 0 && domain.isActive() == 1 && "QEMU".equals(connect.getType())) {
                    domain.setSchedulerParameters(live);
                }
            } finally {
                domain.free();
            }
            return null;
        });
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

    @Override
    public List<SnapshotFacts> snapshots(long hostId, UUID uuid) {
        return onDomain(hostId, uuid, domain -> {
            String current = currentSnapshotName(domain);
            List<SnapshotFacts> snapshots = new ArrayList<>();
            for (String name : domain.snapshotListNames()) {
                DomainSnapshot snapshot = domain.snapshotLookupByName(name);
                try {
                    snapshots.add(SnapshotXml.read(snapshot.getXMLDesc(), current));
                } finally {
                    snapshot.free();
                }
            }
            return snapshots;
        });
    }

    private static final int SNAPSHOT_CREATE_DISK_ONLY = 16; // VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY
    private static final int SNAPSHOT_CREATE_ATOMIC = 128; // VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC: all disks or none
    /** libvirt reverts to external snapshots from 9.7.0 on (virConnectGetLibVersion's number). */
    private static final long EXTERNAL_REVERT_SINCE = 9_007_000;

    @Override
    public SnapshotFacts createSnapshot(long hostId, UUID uuid, String name, String description, SnapshotKind kind) {
        return onDomainUntilDone(hostId, uuid, domain -> {
            String xml = SnapshotXml.newSnapshot(name, description);
            int flags = 0;
            if (kind != SnapshotKind.INTERNAL) {
                // beside each disk, named as libvirt would: <file without extension>.<snapshot>
                Map<String, String> overlays = new LinkedHashMap<>();
                for (DiskFacts disk : DomainXmlReader.read(domain.getXMLDesc(0)).disks()) {
                    if ("disk".equals(disk.device())) {
                        overlays.put(disk.target(), withoutExtension(diskPath(domain.getConnect(), disk)) + "."
                                + name);
                    }
                }
                String memoryFile = kind == SnapshotKind.EXTERNAL_WITH_MEMORY && !overlays.isEmpty()
                        ? overlays.values().iterator().next() + ".mem" : null;
                xml = SnapshotXml.newExternalSnapshot(name, description, overlays, memoryFile);
                flags = SNAPSHOT_CREATE_ATOMIC | (memoryFile == null ? SNAPSHOT_CREATE_DISK_ONLY : 0);
            }
            DomainSnapshot snapshot = domain.snapshotCreateXML(xml, flags);
            try {
                return SnapshotXml.read(snapshot.getXMLDesc(), name);
            } finally {
                snapshot.free();
            }
        });
    }

    /** The file or device behind a disk: its own path, or its pool volume's. */
    private static String diskPath(Connect connect, DiskFacts disk) throws LibvirtException {
        if (disk.source() == null || disk.source().startsWith("/")) {
            return disk.source();
        }
        StorageVol volume = volumeByPoolAndName(connect, disk.source());
        try {
            return volume.getPath();
        } finally {
            volume.free();
        }
    }

    private static String withoutExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }

    @Override
    public boolean revertsExternalSnapshots(long hostId) {
        return host(hostId).call(connect -> connect.getLibVirVersion() >= EXTERNAL_REVERT_SINCE);
    }

    @Override
    public void revertToSnapshot(long hostId, UUID uuid, String name) {
        onDomainUntilDone(hostId, uuid, domain -> {
            DomainSnapshot snapshot = domain.snapshotLookupByName(name);
            try {
                return domain.revertToSnapshot(snapshot);
            } finally {
                snapshot.free();
            }
        });
    }

    /**
     * Deletes the snapshot. libvirt merges an external one's overlays back into the disks, but leaves its memory file:
     * that is deleted here too (through its pool, which is refreshed first since QEMU wrote the file, not the pool).
     */
    @Override
    public void deleteSnapshot(long hostId, UUID uuid, String name) {
        onDomainUntilDone(hostId, uuid, domain -> {
            DomainSnapshot snapshot = domain.snapshotLookupByName(name);
            try {
                String memoryFile = SnapshotXml.read(snapshot.getXMLDesc(), null).memoryFile();
                snapshot.delete(0);
                if (memoryFile != null) {
                    Connect connect = domain.getConnect();
                    refreshPoolsIn(connect, memoryFile.substring(0, memoryFile.lastIndexOf('/')));
                    Set<String> pools = new TreeSet<>();
                    deleteVolumes(connect, List.of(memoryFile), pools);
                    pools.forEach(pool -> volumesChanged(hostId, pool, pool));
                }
                return null;
            } finally {
                snapshot.free();
            }
        });
    }

    /** Refreshes the active pools whose directory is {@code directory}, so they list files written behind them. */
    private static void refreshPoolsIn(Connect connect, String directory) throws LibvirtException {
        for (String poolName : connect.listStoragePools()) {
            StoragePool pool = connect.storagePoolLookupByName(poolName);
            try {
                if (directory.equals(StorageXml.poolTarget(pool.getXMLDesc(0)))) {
                    pool.refresh(0);
                }
            } finally {
                pool.free();
            }
        }
    }

    private static String currentSnapshotName(Domain domain) throws LibvirtException {
        if (domain.hasCurrentSnapshot() != 1) {
            return null;
        }
        DomainSnapshot current = domain.snapshotCurrent();
        try {
            return SnapshotXml.read(current.getXMLDesc(), null).name();
        } finally {
            current.free();
        }
    }

    private static VolumeFacts readVolume(StorageVol volume) throws LibvirtException {
        StorageVolInfo info = volume.getInfo();
        VolumeFacts.Kind kind = switch (info.type) {
            case VIR_STORAGE_VOL_FILE -> VolumeFacts.Kind.FILE;
            case VIR_STORAGE_VOL_BLOCK -> VolumeFacts.Kind.BLOCK;
            default -> VolumeFacts.Kind.OTHER;
        };
        return new VolumeFacts(volume.getName(), volume.getPath(), kind, StorageXml.volumeFormat(volume.getXMLDesc(0)),
                mib(info.capacity), mib(info.allocation));
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    private <T> T onPool(long hostId, String name, PoolCall<T> work) {
        return host(hostId).call(connect -> {
            StoragePool pool = connect.storagePoolLookupByName(name);
            try {
                return work.apply(pool);
            } finally {
                pool.free();
            }
        });
    }

    @FunctionalInterface
    private interface PoolCall<T> {
        T apply(StoragePool pool) throws LibvirtException;
    }

    /** Job statistics that are numbers, by name. */
    private static Map<String, Long> numbers(TypedParameter[] parameters) {
        Map<String, Long> values = new HashMap<>();
        for (TypedParameter parameter : parameters == null ? new TypedParameter[0] : parameters) {
            if (parameter instanceof TypedUlongParameter p) {
                values.put(p.field, p.value);
            } else if (parameter instanceof TypedLongParameter p) {
                values.put(p.field, p.value);
            } else if (parameter instanceof TypedUintParameter p) {
                values.put(p.field, (long) p.value);
            } else if (parameter instanceof TypedIntParameter p) {
                values.put(p.field, (long) p.value);
            }
        }
        return values;
    }

    /**
     * Disks given by path join the pool that holds them (and its volume the volumes), so that the target is checked
     * for that pool and volume.
     */
    private static MigrationNeeds withPoolsOfPaths(Connect connect, MigrationNeeds needs) throws LibvirtException {
        Set<String> pools = new TreeSet<>(needs.pools());
        Set<PoolVolume> volumes = new java.util.LinkedHashSet<>(needs.volumes());
        Set<String> unpooled = new TreeSet<>();
        for (String path : needs.unpooledDisks()) {
            StorageVol volume;
            try {
                volume = connect.storageVolLookupByPath(path);
            } catch (LibvirtException e) {
                unpooled.add(path);
                continue;
            }
            try {
                StoragePool pool = volume.storagePoolLookupByVolume();
                pools.add(pool.getName());
                volumes.add(new PoolVolume(pool.getName(), volume.getName()));
                pool.free();
            } finally {
                volume.free();
            }
        }
        return new MigrationNeeds(needs.networks(), pools, volumes, unpooled, needs.cpuXml(), needs.arch(),
                needs.snapshots());
    }

    @PreDestroy
    void shutdown() {
        hosts.values().forEach(HostConnection::close);
        hosts.clear();
        visits.values().forEach(HostConnection::close);
        visits.clear();
        retiring.forEach(HostConnection::close);
        retiring.clear();
        scheduler.shutdownNow();
        eventDispatch.shutdownNow();
    }

    private HostConnection host(long hostId) {
        HostConnection connection = hosts.get(hostId);
        return connection != null ? connection : visit(hostId);
    }

    /** The calls-only connection to a host another instance monitors, opened now if there is none. */
    private HostConnection visit(long hostId) {
        String uri = directory.find(hostId).map(HostDirectory.KnownHost::uri).orElseThrow(
                () -> new HypervisorException(HypervisorException.Kind.UNREACHABLE, "host " + hostId
                        + " is not managed"));
        HostConnection visit = visits.compute(hostId, (id, existing) -> {
            if (existing != null && existing.uri().equals(uri) && existing.state() != ConnectionState.UNREACHABLE) {
                return existing;
            }
            if (existing != null) {
                retiring.add(existing); // lost: a fresh one replaces it, this one closes once its calls are done
            }
            return new HostConnection(id, uri, () -> directory.credentials(id), properties, scheduler, state -> { },
                    null);
        });
        if (!visit.connectNow()) {
            visits.remove(hostId, visit);
            visit.close();
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE,
                    "cannot connect to host " + hostId + " (" + uri + ")");
        }
        return visit;
    }

    private void closeIdleVisits() {
        retiring.removeIf(connection -> connection.closeIfIdle(Duration.ZERO));
        visits.forEach((hostId, visit) -> {
            if (visit.closeIfIdle(VISIT_IDLE)) {
                visits.remove(hostId, visit);
            }
        });
    }

    private <T> T onDomain(long hostId, UUID uuid, DomainCall<T> work) {
        return host(hostId).call(connect -> withDomain(connect, uuid, work));
    }

    /** As {@link #onDomain}, without the call timeout: for work whose length depends on the guest's size. */
    private <T> T onDomainUntilDone(long hostId, UUID uuid, DomainCall<T> work) {
        return host(hostId).callUntilDone(connect -> withDomain(connect, uuid, work));
    }

    private static <T> T withDomain(Connect connect, UUID uuid, DomainCall<T> work) throws LibvirtException {
        Domain domain = connect.domainLookupByUUID(uuid);
        try {
            return work.apply(domain);
        } finally {
            domain.free();
        }
    }

    @FunctionalInterface
    private interface NetworkCall<T> {
        T apply(Network network) throws LibvirtException;
    }

    @FunctionalInterface
    private interface DomainCall<T> {
        T apply(Domain domain) throws LibvirtException;
    }

    private LifecycleListener lifecycleListener(long hostId) {
        return (Domain domain, DomainEvent event) -> {
            try {
                UUID uuid = UUID.fromString(domain.getUUIDString());
                DomainLifecycleEvent.Kind kind = DomainLifecycleEvent.Kind.valueOf(event.getType().name());
                eventDispatch.execute(() -> events.publishEvent(new DomainLifecycleEvent(hostId, uuid, kind)));
            } catch (LibvirtException | RuntimeException e) {
                log.warn("host {}: could not read a lifecycle event: {}", hostId, e.getMessage());
            } finally {
                freeQuietly(domain); // it holds a reference on the connection, which would then never close
            }
            return 0;
        };
    }

    private static void freeQuietly(Domain domain) {
        try {
            domain.free();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("freeing a domain handle: {}", e.getMessage());
        }
    }

    private static void undefineWithMetadata(Domain domain) throws LibvirtException {
        try {
            domain.undefine(Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA);
        } catch (LibvirtException e) {
            if (LibvirtErrors.kindOf(e) != HypervisorException.Kind.UNSUPPORTED) {
                throw e;
            }
            domain.undefine();
        }
    }

    /** Deletes the volumes behind the given paths; paths that are not volumes in a pool are left alone. */
    /** Deletes the volumes at these paths, adding the names of their pools to {@code pools}. */
    private static List<String> deleteVolumes(Connect connect, List<String> paths, Set<String> pools)
            throws LibvirtException {
        List<String> deleted = new ArrayList<>();
        for (String path : paths) {
            StorageVol volume;
            try {
                volume = connect.storageVolLookupByPath(path);
            } catch (LibvirtException e) {
                log.info("disk {} is not a volume in a pool; left in place", path);
                continue;
            }
            try {
                StoragePool pool = volume.storagePoolLookupByVolume();
                try {
                    pools.add(pool.getName());
                } finally {
                    pool.free();
                }
                volume.delete(0);
                deleted.add(path);
            } finally {
                volume.free();
            }
        }
        return deleted;
    }

    static HostFacts readHostFacts(Connect connect) throws LibvirtException {
        NodeInfo node = connect.nodeInfo();
        CapabilitiesReader.Capabilities caps = CapabilitiesReader.read(connect.getCapabilities());
        return new HostFacts(connect.getHostName(), connect.getType(),
                caps.cpuModel() != null ? caps.cpuModel() : node.model,
                caps.arch() != null ? caps.arch() : node.model,
                node.cpus, node.sockets * Math.max(node.nodes, 1), node.cores, node.threads, node.mhz,
                node.memory / 1024, Math.max(caps.numaCells(), node.nodes),
                caps.hardwareVirtualization(), caps.guestDomainTypes(), caps.cpuFeatures());
    }

    private static DomainFacts readDomain(Domain domain) throws LibvirtException {
        DomainXmlReader.DomainConfig config = DomainXmlReader.read(domain.getXMLDesc(0));
        DomainInfo info = domain.getInfo();
        boolean persistent = domain.isPersistent() == 1;
        boolean autostart = persistent && domain.getAutostart();
        DomainRunState state = runState(info.state);
        // only a shut-off, persistent domain can hold a managed save image: no extra call for the others
        boolean managedSave = persistent && state == DomainRunState.SHUTOFF && domain.hasManagedSaveImage() == 1;
        return new DomainFacts(config.uuid(), config.name(), state, config.vcpus(), config.memoryMiB(),
                autostart, persistent, managedSave, config.osType(), config.disks(), config.nics(), config.graphics());
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
