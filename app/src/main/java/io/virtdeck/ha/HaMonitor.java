package io.virtdeck.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.HostLeases;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.MigrationGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;
import io.virtdeck.migration.Placement;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;

/**
 * Restarts HA guests whose host was lost. The instance that holds a host's lease (one at a time) watches it: once it
 * has not answered for the grace period (and, where a heartbeat pool is set, its heartbeat there has not been written
 * for as long: {@link Heartbeats}) it is declared lost, and each HA guest that ran there gets a restart (one per
 * guest, the database sees to it), highest priority first, as a task. The task defines the kept definition on the
 * host placement chooses and starts it there. Fencing is the hosts' disk leases (libvirt's lock manager, and QEMU's
 * own image locks): while a QEMU of the lost host still holds the disks, the start fails and the restart waits, saying
 * so, and tries again; it ends when the guest runs elsewhere, or when the lost host answers again (its guests are then
 * its own). Once a lost host answers again, the stopped definition it still holds of a restarted guest is removed.
 */
@Component
class HaMonitor {

    private static final Logger log = LoggerFactory.getLogger(HaMonitor.class);
    /** Definitions are read again this often (in rounds), so that a restart defines the guest as it is now. */
    private static final int KEEP_DEFINITIONS_EVERY = 12;
    /** How long a restarted guest's memory counts against its new host in placement (a guest takes it lazily). */
    private static final Duration RESERVED_FOR = Duration.ofMinutes(2);
    private static final Duration PRIORITY_WAIT = Duration.ofSeconds(30);
    private static final long PRIORITY_POLL_MS = 50;

    private final HaRepository repository;
    private final HaProperties properties;
    private final Heartbeats heartbeats;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final HostLeases leases;
    private final DomainGateway domains;
    private final MigrationGateway migrations;
    private final Placement placement;
    private final ExpectedGuestChanges expected;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final TaskExecutor restarts;
    private final AtomicInteger rounds = new AtomicInteger();
    private final Set<Long> following = ConcurrentHashMap.newKeySet();
    /** Restarts that have had their first try here: a lower priority waits for those above it to have theirs. */
    private final Set<Long> triedOnce = ConcurrentHashMap.newKeySet();
    /** Memory promised to guests just restarted, by host, until their host's free memory shows it. */
    private final Map<Long, List<Reservation>> reserved = new HashMap<>();

    private record Reservation(long memoryMiB, Instant until) {
    }

    HaMonitor(HaRepository repository, HaProperties properties, Heartbeats heartbeats, HostRepository hosts,
              GuestRepository guests, HostLeases leases, DomainGateway domains, MigrationGateway migrations,
              Placement placement, ExpectedGuestChanges expected, TaskService tasks, ActionRunner actions,
              @Qualifier(ThreadPools.HA_RESTARTS) TaskExecutor restarts) {
        this.restarts = restarts;
        this.repository = repository;
        this.properties = properties;
        this.heartbeats = heartbeats;
        this.hosts = hosts;
        this.guests = guests;
        this.leases = leases;
        this.domains = domains;
        this.migrations = migrations;
        this.placement = placement;
        this.expected = expected;
        this.tasks = tasks;
        this.actions = actions;
    }

    @Scheduled(fixedDelayString = "${virtdeck.ha.retry:5s}", initialDelayString = "${virtdeck.ha.retry:5s}")
    void watch() {
        repository.noteWhereTheyRun();
        Set<Long> held = leases.held();
        Instant now = Instant.now();
        for (Host host : hosts.findAll()) {
            if (!held.contains(host.id())) {
                continue;
            }
            if (host.state() != HostState.UNREACHABLE || host.stateChangedAt() == null) {
                heartbeats.forget(host.id());
                continue;
            }
            Heartbeats.Verdict verdict = heartbeats.judge(host, now);
            repository.hostChecked(host.id(), host.stateChangedAt(), verdict.lost(), verdict.words());
            if (verdict.lost()) {
                declareLost(host);
            }
        }
        repository.hostsAnswering();
        for (HaRestart restart : repository.waitingWithoutWork()) {
            if (held.contains(restart.fromHostId())) {
                follow(restart);
            }
        }
        removeOldDefinitions(held);
        if (rounds.getAndIncrement() % KEEP_DEFINITIONS_EVERY == 0) {
            keepDefinitions(held);
        }
    }

    /** An administrator's word that the host is down: declared lost now, whatever its heartbeat says. */
    void confirmedDown(Host host, String user) {
        repository.hostConfirmedDown(host.id(), host.stateChangedAt() == null ? Instant.now() : host.stateChangedAt(),
                "Host '" + host.name() + "' was confirmed down by " + user + ": declared lost.", user);
        declareLost(host);
    }

    /** Declares the host lost: a restart for each HA guest that ran there, taken up by the next round. */
    void declareLost(Host host) {
        for (HaRepository.HaGuest ha : repository.ranOn(host.id())) {
            String name = guests.findByHostAndUuid(host.id(), ha.uuid()).map(Guest::name).orElse(ha.uuid().toString());
            repository.declare(ha.uuid(), name, host.id(), host.name(), host.stateChangedAt()).ifPresent(id ->
                    log.info("host '{}' lost (no answer since {}): restarting HA guest '{}' elsewhere", host.name(),
                            host.stateChangedAt(), name));
        }
    }

    /** The restart as a task, run as Virtdeck itself on a thread of the restarts' own. */
    private void follow(HaRestart restart) {
        if (!following.add(restart.id())) {
            return; // queued or under way here already
        }
        Optional<Guest> guest = guests.findByHostAndUuid(restart.fromHostId(), restart.guestUuid());
        AuditObject object = guest.map(g -> AuditObject.guest(g.id(), g.name()))
                .orElse(new AuditObject("guest", null, restart.guestName()));
        restarts.execute(() -> {
            try {
                tasks.runHere(AuditAction.GUEST_HA_RESTART, object, true, progress -> {
                    repository.task(restart.id(), progress.taskId());
                    return restart(restart.id(), object, progress);
                });
            } catch (VirtdeckException e) {
                log.info("restart of '{}' waits for its guest's task to end: {}", restart.guestName(), e.getMessage());
            } finally {
                following.remove(restart.id());
            }
        });
    }

    private String restart(long id, AuditObject object, TaskProgress progress) throws InterruptedException,
            TaskCancelledException {
        while (true) {
            HaRestart restart = repository.restart(id).orElseThrow();
            if (!restart.state().equals("WAITING")) {
                return "Already settled: " + restart.state().toLowerCase(java.util.Locale.ROOT) + ".";
            }
            Optional<String> needless = needless(restart);
            if (needless.isPresent()) {
                repository.cancelled(id, needless.get());
                actions.resumed(AuditAction.GUEST_HA_RESTART, object, CurrentUser.SYSTEM).failed(needless.get());
                return "Not restarted: " + needless.get();
            }
            if (progress.cancelRequested()) {
                repository.cancelled(id, "cancelled");
                throw new TaskCancelledException("Cancelled: '" + restart.guestName() + "' was not restarted.");
            }
            awaitHigherPriorities(restart);
            Attempt attempt = attempt(restart);
            triedOnce.add(id);
            if (attempt.target() != null) {
                repository.started(id, attempt.target().id(), attempt.target().name());
                String done = "Restarted '" + restart.guestName() + "' on host '" + attempt.target().name() + "', "
                        + Duration.between(restart.lostSince(), Instant.now()).toSeconds() + " s after host '"
                        + restart.fromHost() + "' stopped answering (declared lost after "
                        + properties.grace().toSeconds() + " s).";
                actions.resumed(AuditAction.GUEST_HA_RESTART, object, CurrentUser.SYSTEM).succeeded(done);
                return done;
            }
            repository.waiting(id, attempt.reason());
            progress.update(0, "Waiting: " + attempt.reason());
            Thread.sleep(properties.retry().toMillis());
        }
    }

    /**
     * Priorities first: the restarts of higher priorities from the same lost host have their first try before this
     * one (at most a while: one may be held up elsewhere).
     */
    private void awaitHigherPriorities(HaRestart restart) throws InterruptedException {
        long deadline = System.nanoTime() + PRIORITY_WAIT.toNanos();
        while (System.nanoTime() < deadline && !triedOnce.containsAll(repository.waitingBefore(restart))) {
            Thread.sleep(PRIORITY_POLL_MS);
        }
    }

    /** Why the restart is no longer wanted: the lost host answers again, HA was turned off, it runs elsewhere. */
    private Optional<String> needless(HaRestart restart) {
        Optional<Host> from = hosts.findById(restart.fromHostId());
        if (from.isEmpty() || from.get().state() == HostState.CONNECTED) {
            return Optional.of("host '" + restart.fromHost() + "' answered again: its guests are its own.");
        }
        if (repository.find(restart.guestUuid()).isEmpty()) {
            return Optional.of("high availability of '" + restart.guestName() + "' was turned off.");
        }
        return guests.findByUuid(restart.guestUuid()).filter(g -> g.hostId() != restart.fromHostId()
                && g.state() == DomainRunState.RUNNING).map(g -> "'" + g.name() + "' runs on host '" + g.hostName()
                + "' already.");
    }

    /** A host for the guest, or why there is none now. */
    private record Attempt(Host target, String reason) {
    }

    /**
     * One placement at a time, each counting what the previous ones took: twenty restarts at once would otherwise
     * all read the same free memory and land on one host.
     */
    private synchronized Attempt attempt(HaRestart restart) {
        Optional<HaRepository.HaGuest> ha = repository.find(restart.guestUuid());
        Optional<Guest> guest = guests.findByHostAndUuid(restart.fromHostId(), restart.guestUuid());
        if (ha.isEmpty() || guest.isEmpty()) {
            return new Attempt(null, "'" + restart.guestName() + "' is no longer known.");
        }
        String definition = ha.get().definition();
        Placement.Choice choice = placement.chooseForRestart(guest.get(), migrations.needsOfDefinition(definition),
                reservedMiB());
        if (choice.host().isEmpty()) {
            return new Attempt(null, "no host can run it now: " + String.join("; ", choice.reasons()) + ".");
        }
        Host target = choice.host().get();
        try {
            expected.expect(target.id(), restart.guestUuid()); // its definition and start are Virtdeck's doing
            domains.defineFromDefinition(target.id(), definition);
        } catch (HypervisorException e) {
            return new Attempt(null, "defining it on host '" + target.name() + "' failed: "
                    + HypervisorErrors.message(e));
        }
        try {
            domains.perform(target.id(), restart.guestUuid(), DomainAction.START);
            reserved.computeIfAbsent(target.id(), id -> new ArrayList<>()).add(new Reservation(
                    guest.get().memoryMiB(), Instant.now().plus(RESERVED_FOR)));
            return new Attempt(target, null);
        } catch (HypervisorException e) {
            undefineQuietly(target, restart);
            return new Attempt(null, "it did not start on host '" + target.name() + "' (" + HypervisorErrors.message(e)
                    + "). Its disks are still held, most likely by its QEMU on host '" + restart.fromHost()
                    + "', which may still run: it starts once they are released.");
        }
    }

    private Map<Long, Long> reservedMiB() {
        Instant now = Instant.now();
        reserved.values().forEach(list -> list.removeIf(r -> r.until().isBefore(now)));
        Map<Long, Long> sums = new HashMap<>();
        reserved.forEach((host, list) -> sums.put(host, list.stream().mapToLong(Reservation::memoryMiB).sum()));
        return sums;
    }

    private void undefineQuietly(Host target, HaRestart restart) {
        try {
            expected.expect(target.id(), restart.guestUuid());
            domains.undefine(target.id(), restart.guestUuid(), false);
        } catch (HypervisorException e) {
            log.warn("'{}' stays defined (shut off) on host '{}' after a failed start: {}", restart.guestName(),
                    target.name(), e.getMessage());
        }
    }

    /** A restarted guest's old definition on its lost host, once that host answers: stopped, and no longer its own. */
    private void removeOldDefinitions(Set<Long> held) {
        for (HaRestart restart : repository.startedFromHostsBack()) {
            if (!held.contains(restart.fromHostId())) {
                continue;
            }
            if (restart.toHostId() == null
                    || guests.findByHostAndUuid(restart.toHostId(), restart.guestUuid()).isEmpty()) {
                repository.oldRemoved(restart.id()); // the copy is gone: the old definition is the guest's own again
                continue;
            }
            try {
                DomainFacts old = domains.domain(restart.fromHostId(), restart.guestUuid());
                if (old.state() != DomainRunState.SHUTOFF) {
                    log.error("'{}' runs on host '{}' as well as on host '{}' where it was restarted: its disks were"
                            + " not held", restart.guestName(), restart.fromHost(), restart.toHost());
                    continue;
                }
                expected.expect(restart.fromHostId(), restart.guestUuid());
                domains.undefine(restart.fromHostId(), restart.guestUuid(), false);
                repository.oldRemoved(restart.id());
            } catch (HypervisorException e) {
                if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                    repository.oldRemoved(restart.id());
                } else {
                    log.info("the old definition of '{}' on host '{}' is removed later: {}", restart.guestName(),
                            restart.fromHost(), e.getMessage());
                }
            }
        }
    }

    private void keepDefinitions(Set<Long> held) {
        for (HaRepository.HaGuest ha : repository.all()) {
            if (ha.lastHostId() == null || !held.contains(ha.lastHostId())) {
                continue;
            }
            try {
                repository.keepDefinition(ha.uuid(), domains.definitionXml(ha.lastHostId(), ha.uuid()));
            } catch (HypervisorException e) {
                log.debug("the definition of HA guest {} is kept as it was: {}", ha.uuid(), e.getMessage());
            }
        }
    }
}
