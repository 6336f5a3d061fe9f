package io.virtdeck.metrics;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.virtdeck.ThreadPools;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.GuestCounters;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.HostSample;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples every connected host this instance monitors (holds the lease of) and its running guests on an interval,
 * one bulk libvirt call per host, and stores rates in the 10 s tier. A host's first sample (and a guest's, after it
 * starts) only primes its counters: rates need two readings. Other hosts are skipped and primed again when they
 * return (or are sampled by the instance that monitors them).
 */
@Component
public class MetricsSampler {

    private static final Logger log = LoggerFactory.getLogger(MetricsSampler.class);

    /** A host's last sample and when it was taken (monotonic, for the elapsed time between two). */
    private record Reading(long nanos, HostSample sample, Map<UUID, GuestCounters> guests) {
    }

    private final ConnectionGateway connectionGateway;
    private final HostGateway hostGateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final MetricsRepository repository;
    private final Clock clock;
    private final TaskExecutor workers;
    private final Map<Long, Reading> lastReadings = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    MetricsSampler(ConnectionGateway connectionGateway, HostGateway hostGateway, HostRepository hosts,
                   GuestRepository guests, MetricsRepository repository,
                   @Qualifier(ThreadPools.METRICS_SAMPLERS) TaskExecutor workers) {
        this.connectionGateway = connectionGateway;
        this.hostGateway = hostGateway;
        this.hosts = hosts;
        this.guests = guests;
        this.repository = repository;
        this.clock = Clock.systemUTC();
        this.workers = workers;
    }

    @Scheduled(fixedRateString = "${virtdeck.metrics.interval:10s}", initialDelayString = "${virtdeck.metrics.interval:10s}")
    public void sampleAll() {
        List<Host> all = hosts.findAll();
        // hosts removed from Virtdeck leave no reading behind
        lastReadings.keySet().retainAll(Set.copyOf(all.stream().map(Host::id).toList()));
        for (Host host : all) {
            long hostId = host.id();
            if (!connectionGateway.monitoring(hostId)) {
                lastReadings.remove(hostId);
                continue;
            }
            // a host still answering the previous round is not asked twice
            if (inFlight.add(hostId)) {
                workers.execute(() -> {
                    try {
                        sampleHost(hostId);
                    } catch (HypervisorException e) {
                        lastReadings.remove(hostId);
                        log.debug("sampling host {} failed: {}", hostId, e.getMessage());
                    } catch (RuntimeException e) {
                        if (!DatabaseOutage.causedBy(e)) {
                            throw e;
                        }
                        // a sample the database could not take; the next after its return primes again
                        lastReadings.remove(hostId);
                        log.debug("sampling host {} skipped: the database is unreachable", hostId);
                    } finally {
                        inFlight.remove(hostId);
                    }
                });
            }
        }
    }

    /** Samples one host now and stores the rates since its previous sample; returns the rows stored. */
    List<MetricRow> sampleHost(long hostId) {
        long started = System.nanoTime();
        HostSample sample = hostGateway.sample(hostId);
        // the middle of the call: libvirt read the counters somewhere in it
        long nanos = started + (System.nanoTime() - started) / 2;
        Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<UUID, GuestCounters> byUuid = new HashMap<>();
        for (GuestCounters guest : sample.guests()) {
            byUuid.put(guest.uuid(), guest);
        }
        Reading previous = lastReadings.put(hostId, new Reading(nanos, sample, byUuid));
        if (previous == null) {
            return List.of();
        }
        double seconds = (nanos - previous.nanos()) / 1e9;
        List<MetricRow> rows = new ArrayList<>(byUuid.size() + 1);
        rows.add(new MetricRow(MetricRow.ObjectKind.HOST, hostId, at,
                Rates.host(previous.sample().host(), sample.host(), seconds)));
        Map<UUID, Long> guestIds = guests.idsByUuidOn(hostId);
        for (GuestCounters now : byUuid.values()) {
            GuestCounters before = previous.guests().get(now.uuid());
            Long guestId = guestIds.get(now.uuid());
            // a guest that just started (or the inventory has not seen yet) is primed by this sample
            if (before != null && guestId != null) {
                rows.add(new MetricRow(MetricRow.ObjectKind.GUEST, guestId, at, Rates.guest(before, now, seconds)));
            }
        }
        repository.insert(rows);
        return rows;
    }

    /** Forgets a host's last reading: its next sample primes again. */
    void forget(long hostId) {
        lastReadings.remove(hostId);
    }
}
