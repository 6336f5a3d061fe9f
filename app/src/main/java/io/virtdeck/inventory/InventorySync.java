package io.virtdeck.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import io.virtdeck.ThreadPools;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.InventoryChanged;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainLifecycleEvent;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.DomainSummary;
import io.virtdeck.hypervisor.HostConnectionChanged;
import io.virtdeck.hypervisor.HostGateway;

/**
 * Keeps the inventory rows true to libvirt: lifecycle events first (a change shows within a second), a periodic
 * reconcile second (catches anything an event missed). Runs as Virtdeck itself, never as a user.
 */
@Service
public class InventorySync {

    private static final Logger log = LoggerFactory.getLogger(InventorySync.class);
    /** How long an event's removal of a guest outweighs reconciles' listings: far longer than any reconcile. */
    private static final Duration REMOVALS_KEPT = Duration.ofHours(1);
    /** One reconcile in this many reads every domain in full (every 5 minutes at the default 30 s). */
    static final int FULL_READ_EVERY = 10;

    private final ConnectionGateway connectionGateway;
    private final HostGateway hostGateway;
    private final DomainGateway domainGateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final ExpectedGuestChanges expected;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Executor reconcilers;
    /** Hosts whose reconcile is still running: one that hangs on a stalled host is not started again beside it. */
    private final Set<Long> reconciling = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> reconcilesSinceFullRead = new ConcurrentHashMap<>();

    public InventorySync(ConnectionGateway connectionGateway, HostGateway hostGateway, DomainGateway domainGateway,
                         HostRepository hosts, GuestRepository guests,
                         ExpectedGuestChanges expected, AuditLog audit, ApplicationEventPublisher events,
                         @Qualifier(ThreadPools.RECONCILERS) Executor reconcilers) {
        this.reconcilers = reconcilers;
        this.connectionGateway = connectionGateway;
        this.hostGateway = hostGateway;
        this.domainGateway = domainGateway;
        this.hosts = hosts;
        this.guests = guests;
        this.expected = expected;
        this.audit = audit;
        this.events = events;
    }

    @EventListener
    public void onConnectionChanged(HostConnectionChanged change) {
        Optional<Host> host = hosts.findById(change.hostId());
        if (host.isEmpty()) {
            return;
        }
        AuditObject object = AuditObject.host(change.hostId(), host.get().name());
        if (change.state() == ConnectionState.CONNECTED) {
            try {
                hosts.updateFacts(change.hostId(), hostGateway.hostFacts(change.hostId()));
                syncHost(change.hostId());
            } catch (HypervisorException e) {
                log.warn("host {} connected but could not be read: {}", change.hostId(), e.getMessage());
                return;
            }
            Optional<HostState> before = hosts.updateState(change.hostId(), HostState.CONNECTED, null);
            if (before.isPresent() && before.get() == HostState.UNREACHABLE) {
                audit.event(AuditAction.HOST_BACK, object, "connection re-established");
            }
        } else {
            Optional<HostState> before = hosts.updateState(change.hostId(), HostState.UNREACHABLE, change.reason());
            guests.markUnknown(change.hostId()).forEach(id -> publishGuest(id, false));
            if (before.isPresent() && before.get() != HostState.UNREACHABLE) {
                audit.event(AuditAction.HOST_LOST, object, change.reason());
            }
        }
        events.publishEvent(new InventoryChanged.HostChanged(change.hostId(), false));
    }

    @EventListener
    public void onDomainEvent(DomainLifecycleEvent event) {
        Optional<Host> host = hosts.findById(event.hostId());
        if (host.isEmpty()) {
            return;
        }
        Optional<GuestRepository.Moving> moving = guests.findMoving(event.uuid());
        if (moving.isPresent()) {
            // the source's events are the migration's to settle; reading the domain there now would wait for the
            // migration job to end, holding up every event behind it
            if (moving.get().targetHostId() == event.hostId()) {
                showArrival(moving.get().guestId(), event);
            }
            return;
        }
        Optional<String> knownName = guests.findByHostAndUuid(event.hostId(), event.uuid()).map(Guest::name);
        Optional<Long> changed = refreshOrRemove(event.hostId(), event.uuid());
        if (changed.isPresent() && !expected.isExpected(event.hostId(), event.uuid())) {
            String name = knownName.or(() -> guests.findByHostAndUuid(event.hostId(), event.uuid()).map(Guest::name))
                    .orElse(event.uuid().toString());
            audit.event(AuditAction.GUEST_CHANGED_OUTSIDE, new AuditObject("guest", Long.toString(changed.get()), name),
                    "libvirt reported " + event.kind().name().toLowerCase(Locale.ROOT) + " on host " + host.get().name()
                            + ", not requested through Virtdeck");
        }
    }

    /**
     * Compares the domains of every connected host this instance monitors with the inventory, hosts side by side: a
     * host whose libvirtd stalls delays its own reconcile only.
     */
    @Scheduled(fixedDelayString = "${virtdeck.reconcile-interval}", initialDelayString = "${virtdeck.reconcile-interval}")
    public void reconcile() {
        reconcileAll();
    }

    /** Starts the reconciles; the result completes when those started now have ended. */
    public CompletableFuture<Void> reconcileAll() {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Host host : hosts.findAll()) {
            if (connectionGateway.monitoring(host.id()) && reconciling.add(host.id())) {
                started.add(CompletableFuture.runAsync(() -> {
                    try {
                        reconcileHost(host.id());
                    } catch (HypervisorException e) {
                        log.info("reconcile of host {} failed: {}", host.name(), e.getMessage());
                    } finally {
                        reconciling.remove(host.id());
                    }
                }, reconcilers));
            }
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    /**
     * Reads all of a host's domains and makes its guest rows match, except where an event read a domain after this
     * listing began: its row (or its removal) is newer than the listing and stays.
     */
    public void syncHost(long hostId) {
        Instant observed = guests.readingTime();
        List<DomainFacts> domains = domainGateway.listDomains(hostId);
        write(hostId, domains, domains.stream().map(DomainFacts::uuid).toList(), observed);
    }

    /**
     * A reconcile of one host. Events keep the rows current, so most reconciles only check: a few bulk calls, and a
     * domain read in full only when it is new or its state, persistence, autostart or saved memory no longer match
     * its row. Every {@value #FULL_READ_EVERY}th reads everything, for what changes without a lifecycle event (a
     * device plugged in outside Virtdeck).
     */
    void reconcileHost(long hostId) {
        if (reconcilesSinceFullRead.merge(hostId, 1, Integer::sum) % FULL_READ_EVERY == 1) {
            syncHost(hostId);
        } else {
            checkHost(hostId);
        }
    }

    /** The cheap reconcile: the bulk summaries, and a full read of the domains whose rows they contradict. */
    void checkHost(long hostId) {
        Instant observed = guests.readingTime();
        List<DomainSummary> summaries = domainGateway.summaries(hostId);
        Map<UUID, Guest> rows = new HashMap<>();
        guests.findAllOn(hostId).forEach(guest -> rows.put(guest.uuid(), guest));
        List<DomainFacts> changed = new ArrayList<>();
        for (DomainSummary summary : summaries) {
            if (!matches(rows.get(summary.uuid()), summary)) {
                try {
                    changed.add(domainGateway.domain(hostId, summary.uuid()));
                } catch (HypervisorException e) {
                    if (e.kind() != HypervisorException.Kind.NOT_FOUND) {
                        throw e;
                    } // gone since the listing: the next reconcile, or its event, removes its row
                }
            }
        }
        write(hostId, changed, summaries.stream().map(DomainSummary::uuid).toList(), observed);
    }

    private static boolean matches(Guest row, DomainSummary summary) {
        return row != null && row.state() == summary.state() && row.persistent() == summary.persistent()
                && row.autostart() == summary.autostart() && row.managedSave() == summary.managedSave();
    }

    private void write(long hostId, List<DomainFacts> read, List<UUID> present, Instant observed) {
        guests.upsertAll(hostId, read, observed).forEach(id -> publishGuest(id, false));
        guests.deleteMissing(hostId, present, observed).forEach(id -> publishGuest(id, true));
        guests.forgetRemovalsBefore(observed.minus(REMOVALS_KEPT));
    }

    /** Re-reads one domain; removes its row when libvirt no longer has it. Returns the guest id when it changed. */
    public Optional<Long> refreshOrRemove(long hostId, UUID uuid) {
        Instant observed = guests.readingTime(); // before asking: what libvirt answers is at least this recent
        try {
            Optional<Long> changed = guests.upsert(hostId, domainGateway.domain(hostId, uuid), observed);
            changed.ifPresent(id -> publishGuest(id, false));
            return changed;
        } catch (HypervisorException e) {
            if (e.kind() != HypervisorException.Kind.NOT_FOUND) {
                log.info("host {}: domain {} could not be read: {}", hostId, uuid, e.getMessage());
                return Optional.empty();
            }
            Optional<Long> removed = guests.delete(hostId, uuid, observed);
            removed.ifPresent(id -> publishGuest(id, true));
            return removed;
        }
    }

    /**
     * A migration of the guest starts: its row shows MIGRATING and is left alone by events and reconciles on both
     * hosts until {@link #moved} or {@link #stayed}. False when it is gone or already moving.
     */
    public boolean moving(long guestId, long targetHostId) {
        boolean started = guests.beginMove(guestId, targetHostId);
        if (started) {
            publishGuest(guestId, false);
        }
        return started;
    }

    /** The guest arrived on the target: the same row (same id) now belongs there, refreshed from both hosts. */
    public void moved(long guestId, UUID uuid, long sourceHostId, long targetHostId) {
        guests.finishMove(guestId, targetHostId);
        refreshOrRemove(targetHostId, uuid);
        refreshOrRemove(sourceHostId, uuid); // a copy left on the source (transient guests) shows as its own row
        publishGuest(guestId, false);
        events.publishEvent(new InventoryChanged.HostChanged(sourceHostId, false));
        events.publishEvent(new InventoryChanged.HostChanged(targetHostId, false));
    }

    /** The guest did not move: its row is refreshed from its source again. */
    public void stayed(long guestId, UUID uuid, long sourceHostId) {
        guests.abandonMove(guestId, sourceHostId);
        refreshOrRemove(sourceHostId, uuid);
        publishGuest(guestId, false);
    }

    /**
     * An event on the target of a live migration: once the guest runs there (libvirt resumed it), the inventory shows
     * it on the target right away, without waiting for the migration's task to settle.
     */
    private void showArrival(long guestId, DomainLifecycleEvent event) {
        try {
            DomainFacts domain = domainGateway.domain(event.hostId(), event.uuid());
            if (domain.state() == DomainRunState.RUNNING && guests.arrive(guestId, event.hostId(), domain.state())) {
                log.debug("host {}: migrating guest {} shown there after its {} event", event.hostId(), guestId,
                        event.kind());
                publishGuest(guestId, false);
            }
        } catch (HypervisorException e) {
            log.debug("host {}: arriving domain {} not readable yet: {}", event.hostId(), event.uuid(),
                    e.getMessage());
        }
    }

    private void publishGuest(long guestId, boolean removed) {
        events.publishEvent(new InventoryChanged.GuestChanged(guestId, removed));
    }
}
