package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.annotation.PreDestroy;

import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.StorageVol;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** The libvirt-backed {@link HypervisorGateway}: one {@link HostConnection} per managed host. */
@Component
public class LibvirtGateway implements HypervisorGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtGateway.class);

    private final HypervisorProperties properties;
    private final ApplicationEventPublisher events;
    private final Map<Long, HostConnection> hosts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("libvirt-connect"));
    // Events leave libvirt's loop thread at once (listeners call back into libvirt) and stay in order.
    private final ExecutorService eventDispatch = Executors.newSingleThreadExecutor(daemon("libvirt-events"));

    public LibvirtGateway(HypervisorProperties properties, ApplicationEventPublisher events) {
        this.properties = properties;
        this.events = events;
    }

    @Override
    public HostFacts probe(String uri) {
        HostConnection probe = new HostConnection(-1, uri, properties, scheduler, state -> { }, (d, e) -> 0);
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
        HostConnection connection = new HostConnection(hostId, uri, properties, scheduler,
                events::publishEvent, lifecycleListener(hostId));
        hosts.put(hostId, connection);
        if (previous != null) {
            previous.close();
        }
        connection.start();
    }

    @Override
    public void release(long hostId) {
        HostConnection connection = hosts.remove(hostId);
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public ConnectionState state(long hostId) {
        HostConnection connection = hosts.get(hostId);
        return connection == null ? ConnectionState.UNREACHABLE : connection.state();
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
                return deleteVolumes(connect, volumePaths);
            } finally {
                domain.free();
            }
        });
    }

    @PreDestroy
    void shutdown() {
        hosts.values().forEach(HostConnection::close);
        hosts.clear();
        scheduler.shutdownNow();
        eventDispatch.shutdownNow();
    }

    private HostConnection host(long hostId) {
        HostConnection connection = hosts.get(hostId);
        if (connection == null) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE, "host " + hostId + " is not managed");
        }
        return connection;
    }

    private <T> T onDomain(long hostId, UUID uuid, DomainCall<T> work) {
        return host(hostId).call(connect -> {
            Domain domain = connect.domainLookupByUUID(uuid);
            try {
                return work.apply(domain);
            } finally {
                domain.free();
            }
        });
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
            }
            return 0;
        };
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
    private static List<String> deleteVolumes(Connect connect, List<String> paths) throws LibvirtException {
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
        return new DomainFacts(config.uuid(), config.name(), runState(info.state), config.vcpus(), config.memoryMiB(),
                autostart, persistent, config.osType(), config.disks(), config.nics(), config.graphics());
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
