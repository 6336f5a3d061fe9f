package io.virtdeck.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.database.DatabaseStatus;
import io.virtdeck.hypervisor.ConnectionGateway;

/**
 * Which hosts this instance monitors: those whose lease it holds in PostgreSQL. Every renewal interval it renews its
 * leases, takes free or expired ones up to an even share of the hosts, and hands back what it holds beyond that share
 * so that a newly started instance gets its part. Monitoring stops here as soon as a renewal fails, or when none has
 * succeeded for {@link LeaseProperties#trustedFor}: always before the lease could expire and another instance take
 * the host. A single instance simply holds every lease. A clean stop hands every lease back at once.
 */
@Component
@Order(0)
public class HostLeases implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(HostLeases.class);

    private final HostLeaseRepository leases;
    private final HostAddresses hosts;
    private final ConnectionGateway gateway;
    private final VirtdeckInstance instance;
    private final LeaseProperties properties;
    private final DatabaseStatus database;
    private final ThreadPoolTaskScheduler timer;
    // a thread of its own: it must act while a renewal hangs on the database
    private final ThreadPoolTaskScheduler watch;

    // guards held, trustedUntilNanos and stopped; never held while waiting for the database
    private final Object lock = new Object();
    private final Set<Long> held = new HashSet<>();
    private long trustedUntilNanos;
    private boolean stopped;

    HostLeases(HostLeaseRepository leases, HostAddresses hosts, ConnectionGateway gateway, VirtdeckInstance instance,
               LeaseProperties properties, DatabaseStatus database,
               @Qualifier(ThreadPools.HOST_LEASE_RENEWALS) ThreadPoolTaskScheduler timer,
               @Qualifier(ThreadPools.HOST_LEASE_WATCH) ThreadPoolTaskScheduler watch) {
        this.leases = leases;
        this.timer = timer;
        this.watch = watch;
        this.hosts = hosts;
        this.gateway = gateway;
        this.instance = instance;
        this.properties = properties;
        this.database = database;
    }

    /** At start: the first renewal before any page is served, then one every interval and a watch on their age. */
    @Override
    public void run(ApplicationArguments args) {
        log.info("Virtdeck instance {}", instance);
        renew();
        Duration renewal = properties.leaseRenewal();
        timer.scheduleWithFixedDelay(this::renew, Instant.now().plus(renewal), renewal);
        Duration every = Duration.ofMillis(Math.max(100, renewal.toMillis() / 5));
        watch.scheduleWithFixedDelay(this::stopWhenUntrusted, Instant.now().plus(every), every);
    }

    /** Renews soon, off the caller's thread: another instance handed leases back. */
    void renewSoon() {
        try {
            timer.execute(this::renew);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** The hosts this instance holds leases for, and so monitors. */
    public Set<Long> held() {
        synchronized (lock) {
            return Set.copyOf(held);
        }
    }

    /**
     * A host just registered here is taken (and monitored) at once rather than at the next renewal; never while a
     * renewal runs, which would not know of it yet.
     */
    public synchronized void takeNew(long hostId, String uri) {
        long sent = System.nanoTime();
        try {
            if (!leases.take(instance.id(), hostId, properties.leaseExpiry())) {
                return; // another instance was quicker: it monitors the host
            }
        } catch (DataAccessException e) {
            log.warn("host {}: taking its lease failed; the next renewal takes it: {}", hostId, e.getMessage());
            return;
        }
        synchronized (lock) {
            if (stopped || !trusted(sent)) {
                return;
            }
            if (held.isEmpty()) {
                trustedUntilNanos = sent + properties.trustedFor().toNanos();
            }
            held.add(hostId);
            gateway.manage(hostId, uri);
        }
    }

    synchronized void renew() {
        long sent = System.nanoTime();
        Set<Long> holding;
        List<Long> surplus = new ArrayList<>();
        try {
            leases.heartbeat(instance.id(), instance.name(), properties.leaseExpiry());
            holding = leases.renew(instance.id(), properties.leaseExpiry());
            int share = leases.share().perInstance();
            if (holding.size() < share) {
                holding.addAll(leases.takeFree(instance.id(), properties.leaseExpiry(), share - holding.size()));
            }
            holding.stream().sorted().skip(share).forEach(surplus::add);
            surplus.forEach(holding::remove);
        } catch (DataAccessException e) {
            database.failed(e);
            stopAll("renewing host leases failed: " + e.getMessage());
            return;
        }
        if (!monitorOnly(holding, surplus, sent)) {
            return;
        }
        if (!surplus.isEmpty()) {
            try {
                leases.release(instance.id(), surplus); // after monitoring them stopped: never two at once
                log.info("handed {} host(s) to other instances: {}", surplus.size(), surplus);
            } catch (DataAccessException e) {
                log.warn("handing back host leases failed (they expire instead): {}", e.getMessage());
            }
        }
    }

    /**
     * Makes the monitored hosts those held (the surplus about to be handed back is not); false when the renewal came
     * too late to be trusted.
     */
    private boolean monitorOnly(Set<Long> holding, List<Long> surplus, long sent) {
        Set<Long> gained;
        synchronized (lock) {
            if (stopped) {
                return false;
            }
            if (!trusted(sent)) {
                stopAllLocked("the lease renewal took longer than " + properties.trustedFor().toSeconds() + " s");
                return false;
            }
            trustedUntilNanos = sent + properties.trustedFor().toNanos();
            for (Long lost : Set.copyOf(held)) {
                if (!holding.contains(lost)) {
                    held.remove(lost);
                    gateway.stopMonitoring(lost);
                    if (!surplus.contains(lost)) {
                        log.warn("host {}: lease lost (taken by another instance or host removed); monitoring "
                                + "stopped", lost);
                    }
                }
            }
            gained = holding.stream().filter(id -> !held.contains(id)).collect(Collectors.toSet());
        }
        if (gained.isEmpty()) {
            return true;
        }
        Map<Long, String> uris = hosts.uris().entrySet().stream().filter(host -> gained.contains(host.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        synchronized (lock) {
            if (stopped || !trusted(sent)) {
                return false;
            }
            uris.forEach((hostId, uri) -> {
                held.add(hostId);
                gateway.manage(hostId, uri);
            });
        }
        if (!uris.isEmpty()) {
            log.info("monitoring {} more host(s): {}", uris.size(), uris.keySet());
        }
        return true;
    }

    private boolean trusted(long sentNanos) {
        return System.nanoTime() - sentNanos < properties.trustedFor().toNanos();
    }

    private void stopWhenUntrusted() {
        synchronized (lock) {
            if (!held.isEmpty() && System.nanoTime() - trustedUntilNanos > 0) {
                stopAllLocked("no lease renewal for " + properties.trustedFor().toSeconds() + " s");
            }
        }
    }

    private void stopAll(String reason) {
        synchronized (lock) {
            stopAllLocked(reason);
        }
    }

    private void stopAllLocked(String reason) {
        if (held.isEmpty()) {
            return;
        }
        log.warn("stopped monitoring {} host(s): {}", held.size(), reason);
        held.forEach(gateway::stopMonitoring);
        held.clear();
    }

    /**
     * A clean stop: the renewals' pools stop here rather than after this bean, so that none starts while the leases
     * are handed back; monitoring ends, then the leases are handed back so other instances take the hosts at once.
     */
    @PreDestroy
    void stop() {
        timer.shutdown();
        watch.shutdown();
        synchronized (lock) {
            stopped = true;
            held.forEach(gateway::stopMonitoring);
            held.clear();
        }
        if (!database.reachable()) {
            // no wait on a database that is gone: the leases expire by themselves, as after a crash
            log.warn("host leases not handed back at stop: the database is unreachable (they expire instead)");
            return;
        }
        try {
            leases.leave(instance.id());
        } catch (DataAccessException e) {
            log.warn("handing back host leases at stop failed (they expire instead): {}", e.getMessage());
        }
    }
}
