package io.virtdeck.hypervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import jakarta.annotation.PreDestroy;

import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.core.HypervisorException;

/**
 * The registry of this instance's {@link HostConnection}s, which every gateway's calls go through: one per host this
 * instance monitors (it holds the host's lease), with lifecycle events; a host another instance monitors is reached
 * through a connection of its own that carries calls only, no events, and is closed once idle.
 */
@Component
class HostConnections implements ConnectionGateway {

    private static final Logger log = LoggerFactory.getLogger(HostConnections.class);

    /** How long a calls-only connection to a host another instance monitors stays open unused. */
    private static final Duration VISIT_IDLE = Duration.ofMinutes(2);

    private final HypervisorProperties properties;
    private final ApplicationEventPublisher events;
    private final HostDirectory directory;
    private final Map<Long, HostConnection> hosts = new ConcurrentHashMap<>();
    private final Map<Long, HostConnection> visits = new ConcurrentHashMap<>();
    // connections of hosts no longer monitored here, closed once the calls underway on them are done
    private final Set<HostConnection> retiring = ConcurrentHashMap.newKeySet();
    private final HostThreads threads;
    // Events leave libvirt's loop thread at once (listeners call back into libvirt), each host's in order on a queue
    // of its own, so that one host's slow handling never delays another's
    private final Executor eventThreads;
    private final Map<Long, HostEventQueue> eventQueues = new ConcurrentHashMap<>();

    HostConnections(HypervisorProperties properties, ApplicationEventPublisher events, HostDirectory directory,
                    @Qualifier(ThreadPools.LIBVIRT_TIMERS) ThreadPoolTaskScheduler timers,
                    @Qualifier(ThreadPools.LIBVIRT_CALLS) ThreadPoolTaskExecutor calls,
                    @Qualifier(ThreadPools.LIBVIRT_EVENTS) ThreadPoolTaskExecutor eventThreads) {
        this.properties = properties;
        this.events = events;
        this.directory = directory;
        this.threads = new HostThreads(timers.getScheduledExecutor(), calls.getThreadPoolExecutor());
        this.eventThreads = eventThreads;
        timers.scheduleWithFixedDelay(this::closeIdleVisits, Instant.now().plus(VISIT_IDLE), VISIT_IDLE.dividedBy(2));
    }

    /** Runs the work on the host's connection, bounded by the call timeout. */
    <T> T call(long hostId, LibvirtSession.Call<T> work) {
        try {
            return host(hostId).call(connect -> work.apply(new LibvirtSession(connect)));
        } catch (HypervisorException e) {
            throw named(hostId, e);
        }
    }

    /** As {@link #call}, without the call timeout: for work whose length depends on the guest's or volume's size. */
    <T> T callUntilDone(long hostId, LibvirtSession.Call<T> work) {
        try {
            return host(hostId).callUntilDone(connect -> work.apply(new LibvirtSession(connect)));
        } catch (HypervisorException e) {
            throw named(hostId, e);
        }
    }

    /** A host that cannot be reached is named in the answer: of a fleet, "the host" says nothing. */
    private HypervisorException named(long hostId, HypervisorException e) {
        if (e.kind() != HypervisorException.Kind.UNREACHABLE || e.host() != null) {
            return e;
        }
        return directory.find(hostId).map(known -> e.on(known.name())).orElse(e);
    }

    /** The URI this instance reaches the host at (connecting to it if it has no connection yet). */
    String uri(long hostId) {
        return host(hostId).uri();
    }

    @Override
    public HostFacts probe(String uri, HostCredentials credentials) {
        HostConnection probe = new HostConnection(-1, uri, () -> credentials, properties, threads, state -> { },
                (d, e) -> 0);
        try {
            return probe.openNow(LibvirtHostFacts::read);
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
                threads, events::publishEvent, lifecycleListener(hostId));
        hosts.put(hostId, connection);
        if (previous != null) {
            previous.close();
        }
        connection.start();
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
            threads.timers().execute(this::closeIdleVisits);
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
            threads.timers().execute(this::closeIdleVisits); // closing can wait on a dead host: not on the caller's
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

    @PreDestroy
    void shutdown() {
        hosts.values().forEach(HostConnection::close);
        hosts.clear();
        visits.values().forEach(HostConnection::close);
        visits.clear();
        retiring.forEach(HostConnection::close);
        retiring.clear();
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
            return new HostConnection(id, uri, () -> directory.credentials(id), properties, threads, state -> { },
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

    private LifecycleListener lifecycleListener(long hostId) {
        return (Domain domain, DomainEvent event) -> {
            try {
                UUID uuid = UUID.fromString(domain.getUUIDString());
                DomainLifecycleEvent.Kind kind = DomainLifecycleEvent.Kind.valueOf(event.getType().name());
                eventQueues.computeIfAbsent(hostId, id -> new HostEventQueue(id, eventThreads))
                        .execute(() -> events.publishEvent(new DomainLifecycleEvent(hostId, uuid, kind)));
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
}
