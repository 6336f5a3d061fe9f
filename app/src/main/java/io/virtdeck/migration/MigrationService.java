package io.virtdeck.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import io.virtdeck.ThreadPools;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.MigrationGateway;
import io.virtdeck.hypervisor.MigrationNeeds;
import io.virtdeck.hypervisor.MigrationOptions;
import io.virtdeck.hypervisor.MigrationProgress;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;

/**
 * Live and offline migration of a guest to another host, as a task. Everything that can be checked is checked before
 * the task starts (409 naming the reason); the task then drives libvirt's peer-to-peer migration, reports its job
 * statistics as progress, can be cancelled (the job is aborted and the guest stays on its source), and keeps the
 * guest's inventory row, and so its id, across hosts.
 */
@Service
public class MigrationService {

    static final AuditAction TASK_TYPE = AuditAction.GUEST_MIGRATE;
    private static final Logger log = LoggerFactory.getLogger(MigrationService.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long MIB = 1024 * 1024;

    private final GuestRepository guests;
    private final HostRepository hosts;
    private final ConnectionGateway connectionGateway;
    private final DomainGateway domainGateway;
    private final MigrationGateway migrationGateway;
    private final MigrationChecks checks;
    private final MigrationRepository migrations;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final TaskService tasks;
    private final ActionRunner actions;
    // libvirt's migrate call blocks for as long as the migration runs; the task's own thread watches it meanwhile
    private final Executor migrateCalls;

    private final Permissions permissions;

    public MigrationService(GuestRepository guests, HostRepository hosts, ConnectionGateway connectionGateway,
                            DomainGateway domainGateway, MigrationGateway migrationGateway,
                            MigrationChecks checks, MigrationRepository migrations, InventorySync sync,
                            ExpectedGuestChanges expected, TaskService tasks, ActionRunner actions, Permissions permissions,
                            @Qualifier(ThreadPools.MIGRATION_CALLS) Executor migrateCalls) {
        this.permissions = permissions;
        this.migrateCalls = migrateCalls;
        this.guests = guests;
        this.hosts = hosts;
        this.connectionGateway = connectionGateway;
        this.domainGateway = domainGateway;
        this.migrationGateway = migrationGateway;
        this.checks = checks;
        this.migrations = migrations;
        this.sync = sync;
        this.expected = expected;
        this.tasks = tasks;
        this.actions = actions;
    }

    /** Checks and starts a migration; returns its task. */
    public Task migrate(long guestId, MigrationRequest request) {
        Guest guest = guests.require(guestId);
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        AtomicReference<Migration> planned = new AtomicReference<>();
        return actions.plan(TASK_TYPE, object).permit(() -> {
            permissions.requireGuest(Action.OPERATE, guestId);
            if (request.targetHostId() != null && hosts.findById(request.targetHostId()).isPresent()) {
                // moving a guest onto a host changes that host too (a missing one is the checks' 400)
                permissions.requireHost(Action.OPERATE, request.targetHostId());
            }
        }).check(() -> planned.set(plan(guest, request))).start(ending -> tasks.submit(TASK_TYPE, object,
                planned.get().options().live(), progress -> run(planned.get(), progress, ending)));
    }

    /** The hosts a guest could move to, each with the reasons it cannot (empty when it can): for the migrate page. */
    public List<Target> targets(long guestId) {
        permissions.requireGuest(Action.OPERATE, guestId);
        Guest guest = guests.require(guestId);
        boolean live = guest.state() != DomainRunState.SHUTOFF && guest.state() != DomainRunState.CRASHED;
        MigrationNeeds needs = checks.needsOf(guest);
        return hosts.findAll().stream()
                .filter(host -> host.id() != guest.hostId())
                .map(host -> new Target(host, refusal(host).map(List::of)
                        .orElseGet(() -> checks.problems(guest, needs, host, live))))
                .toList();
    }

    /** A host a guest could be migrated to, and why it cannot (empty when it can). */
    public record Target(Host host, List<String> problems) {
    }

    /** Validates the request against the guest, both hosts and libvirt's view of them; 4xx naming the reason. */
    private Migration plan(Guest guest, MigrationRequest request) {
        if (request.targetHostId() == null) {
            throw VirtdeckException.invalid("targetHostId", "targetHostId is required: the id of the host to move to.");
        }
        within("maxDowntimeMs", request.maxDowntimeMs(), 1, 600_000);
        within("bandwidthMiBps", request.bandwidthMiBps(), 1, 1_000_000);
        Host target = hosts.findById(request.targetHostId()).orElseThrow(() -> VirtdeckException.invalid(
                "targetHostId", "There is no host with id " + request.targetHostId() + "."));
        if (target.id() == guest.hostId()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is already on host '" + target.name()
                    + "'; choose another host.");
        }
        refusal(target).ifPresent(reason -> {
            throw VirtdeckException.conflict(reason + ".");
        });
        if (connectionGateway.state(guest.hostId()) != ConnectionState.CONNECTED) {
            throw VirtdeckException.conflict("Host '" + guest.hostName() + "', where '" + guest.name()
                    + "' runs, cannot be reached; nothing can be migrated from it now.");
        }
        DomainFacts live = domainOrGone(guest);
        boolean running = live.state() == DomainRunState.RUNNING || live.state() == DomainRunState.PAUSED;
        boolean liveMigration = request.live() != null ? request.live() : running;
        if (liveMigration && !running) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is not running, so it cannot be migrated live;"
                    + " migrate it offline (live: false).");
        }
        if (!liveMigration && running) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is running: offline migration moves a stopped"
                    + " guest. Migrate it live, or shut it down first.");
        }
        if (!liveMigration && !live.persistent()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is transient: there is no definition to move.");
        }
        MigrationNeeds needs = checks.needsOf(guest);
        List<String> problems = new java.util.ArrayList<>(checks.problems(guest, needs, target, liveMigration));
        if (problems.isEmpty() && !Boolean.TRUE.equals(request.copyStorage())) {
            problems.addAll(checks.missingVolumes(needs, target));
        }
        if (!problems.isEmpty()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' cannot move to host '" + target.name() + "': "
                    + String.join("; ", problems) + ".");
        }
        MigrationOptions options = new MigrationOptions(liveMigration, request.maxDowntimeMs(),
                request.bandwidthMiBps(), Boolean.TRUE.equals(request.autoConverge()),
                Boolean.TRUE.equals(request.postCopy()), Boolean.TRUE.equals(request.copyStorage()),
                Boolean.TRUE.equals(request.unsafe()));
        return new Migration(0, guest.id(), guest.uuid(), guest.name(), guest.hostId(), target.id(), options);
    }

    /** Why no guest may be placed on a host now, or empty when it is open for guests. */
    static Optional<String> refusal(Host host, ConnectionGateway connectionGateway) {
        if (host.maintenance()) {
            return Optional.of("Host '" + host.name() + "' is in maintenance: no guests are placed there");
        }
        if (connectionGateway.state(host.id()) != ConnectionState.CONNECTED) {
            return Optional.of("Host '" + host.name() + "' cannot be reached"
                    + (host.stateReason() == null ? "" : " (" + host.stateReason() + ")"));
        }
        return Optional.empty();
    }

    private Optional<String> refusal(Host host) {
        return refusal(host, connectionGateway);
    }

    private DomainFacts domainOrGone(Guest guest) {
        try {
            return domainGateway.domain(guest.hostId(), guest.uuid());
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                sync.refreshOrRemove(guest.hostId(), guest.uuid());
                throw VirtdeckException.notFound("'" + guest.name() + "' no longer exists on host '"
                        + guest.hostName() + "'; it was removed outside Virtdeck.");
            }
            throw VirtdeckException.conflict(HypervisorErrors.message(e));
        }
    }

    private static void within(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw VirtdeckException.invalid(field, field + " must be between " + min + " and " + max + ".");
        }
    }

    /** The task's work: records the migration, runs it, follows it, and settles where the guest is. */
    private String run(Migration planned, TaskProgress progress, Ending ending) throws Exception {
        Migration migration = planned.withTask(progress.taskId());
        migrations.insert(migration);
        if (!sync.moving(migration.guestId(), migration.targetHostId())) {
            throw VirtdeckException.conflict("'" + migration.guestName() + "' is gone or already being migrated.");
        }
        expect(migration);
        Instant started = Instant.now();
        CompletableFuture<Void> call = CompletableFuture.runAsync(() -> migrationGateway.migrate(
                migration.sourceHostId(), migration.uuid(), targetUri(migration), migration.options()), migrateCalls);
        if (migration.options().live()) {
            progress.onCancel(() -> abort(migration));
        }
        boolean postCopy = false;
        try {
            postCopy = watch(migration, progress, call);
            call.get();
        } catch (ExecutionException e) {
            return settle(migration, progress, started, postCopy, e.getCause(), ending);
        }
        return settle(migration, progress, started, postCopy, null, ending);
    }

    /**
     * Follows a migration that Virtdeck lost track of (see {@link MigrationRecovery}): waits for both hosts,
     * watches the job while libvirt still runs it, then settles the task by where the guest is.
     */
    String resume(Migration migration, Instant started, String user, TaskProgress progress)
            throws InterruptedException {
        expect(migration);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(connected(migration.sourceHostId()) && connected(migration.targetHostId()))) {
            if (System.nanoTime() > deadline) {
                sync.stayed(migration.guestId(), migration.uuid(), migration.sourceHostId());
                throw VirtdeckException.conflict("Virtdeck stopped during this migration and cannot tell how it"
                        + " ended: a host is still unreachable. The inventory follows libvirt once it is back.");
            }
            Thread.sleep(POLL.toMillis());
        }
        progress.update(0, "Following the migration of '" + migration.guestName() + "' again (Virtdeck restarted, or"
                + " its database was unreachable)");
        if (migration.options().live()) {
            progress.onCancel(() -> abort(migration));
        }
        CompletableFuture<Void> stillRunning = CompletableFuture.runAsync(() -> {
            while (jobProgress(migration).isPresent()) {
                sleep();
            }
        }, migrateCalls);
        boolean postCopy = watch(migration, progress, stillRunning);
        return settle(migration, progress, started, postCopy, null,
                actions.resumed(TASK_TYPE, AuditObject.guest(migration.guestId(), migration.guestName()), user));
    }

    /**
     * Reports libvirt's job statistics until the migration call returns; applies the options that need a job. Returns
     * whether the migration switched to post-copy.
     */
    private boolean watch(Migration migration, TaskProgress progress, CompletableFuture<Void> call)
            throws InterruptedException {
        boolean downtimeAsked = false;
        boolean postCopyAsked = false;
        boolean postCopyStarted = false;
        String target = hostName(migration.targetHostId());
        while (!call.isDone()) {
            try {
                call.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                return postCopyStarted;
            } catch (TimeoutException | ExecutionException e) {
                // still running, or ended: either way the statistics below say, and run() reads the outcome
            }
            Optional<MigrationProgress> job = jobProgress(migration);
            if (job.isEmpty()) {
                continue;
            }
            MigrationProgress p = job.get();
            if (!downtimeAsked && migration.options().maxDowntimeMs() != null) {
                downtimeAsked = true;
                attempt("set the maximum downtime", () -> migrationGateway.setMigrationMaxDowntime(
                        migration.sourceHostId(), migration.uuid(), migration.options().maxDowntimeMs()));
            }
            if (!postCopyAsked && migration.options().postCopy() && p.iteration() >= 2) {
                // the first full pass is done and the guest still dirties memory: let the rest follow on demand
                postCopyAsked = true;
                postCopyStarted = attempt("switch to post-copy",
                        () -> migrationGateway.startPostCopy(migration.sourceHostId(), migration.uuid()));
            }
            progress.update(p.percent(), describe(migration, target, p, postCopyStarted));
        }
        return postCopyStarted;
    }

    private static String describe(Migration migration, String target, MigrationProgress p, boolean postCopy) {
        if (p.totalBytes() == 0) { // the job exists, its first statistics do not yet
            return "Starting to move '" + migration.guestName() + "' to " + target;
        }
        StringBuilder text = new StringBuilder(migration.options().live() ? "Copying memory" : "Moving")
                .append(" of '").append(migration.guestName()).append("' to ").append(target).append(": ")
                .append((p.totalBytes() - p.remainingBytes()) / MIB).append(" of ").append(p.totalBytes() / MIB)
                .append(" MiB, ").append(p.remainingBytes() / MIB).append(" MiB left");
        if (p.bytesPerSecond() > 0) {
            text.append(", ").append(String.format("%.1f", p.bytesPerSecond() / (double) MIB)).append(" MiB/s");
        }
        if (p.iteration() > 1) {
            text.append(", pass ").append(p.iteration());
        }
        if (p.expectedDowntimeMs() >= 0) {
            text.append(", expected downtime ").append(p.expectedDowntimeMs()).append(" ms");
        }
        if (postCopy) {
            text.append(" (post-copy: running on the target)");
        }
        return text.toString();
    }

    /**
     * Decides how the migration ended by asking libvirt where the guest is (not by trusting the call's outcome: a
     * call can fail after the guest arrived, e.g. when the connection to the source drops at the end), moves or keeps
     * its row, audits, and returns the task's closing message or throws why it failed.
     */
    private String settle(Migration migration, TaskProgress progress, Instant started, boolean postCopy,
                          Throwable failure, Ending ending)
            throws TaskCancelledException {
        String source = hostName(migration.sourceHostId());
        String target = hostName(migration.targetHostId());
        if (arrived(migration)) {
            sync.moved(migration.guestId(), migration.uuid(), migration.sourceHostId(), migration.targetHostId());
            String took = String.format("%.1f", Duration.between(started, Instant.now()).toMillis() / 1e3);
            String downtime = migration.options().live() ? downtime(migration).map(ms -> ", downtime " + ms + " ms")
                    .orElse("") : "";
            String done = "'" + migration.guestName() + "' moved from " + source + " to " + target + " ("
                    + (migration.options().live() ? postCopy ? "live, post-copy" : "live" : "offline") + ", " + took
                    + " s" + downtime + ")";
            ending.succeeded(done);
            return done;
        }
        sync.stayed(migration.guestId(), migration.uuid(), migration.sourceHostId());
        if (progress.cancelRequested()) {
            String cancelled = "Cancelled: '" + migration.guestName() + "' stays on " + source + ".";
            ending.failed(cancelled);
            throw new TaskCancelledException(cancelled);
        }
        String reason = failure == null ? "libvirt's migration job ended without moving it"
                : explain(failure);
        String failed = "'" + migration.guestName() + "' stays on " + source + ": " + reason;
        ending.failed(failed);
        throw VirtdeckException.conflict(failed);
    }

    /** True when the target has the guest and the source no longer runs it. */
    private boolean arrived(Migration migration) {
        Optional<DomainFacts> onTarget = domainOn(migration.targetHostId(), migration);
        if (onTarget.isEmpty()) {
            return false;
        }
        Optional<DomainFacts> onSource = domainOn(migration.sourceHostId(), migration);
        if (migration.options().live()) {
            return onSource.isEmpty() || onSource.get().state() == DomainRunState.SHUTOFF;
        }
        return onSource.isEmpty();
    }

    private Optional<DomainFacts> domainOn(long hostId, Migration migration) {
        try {
            return Optional.of(domainGateway.domain(hostId, migration.uuid()));
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw VirtdeckException.conflict("Cannot tell where '" + migration.guestName() + "' is now: "
                    + e.getMessage());
        }
    }

    private static String explain(Throwable failure) {
        String message = failure instanceof HypervisorException h ? h.getMessage() : String.valueOf(failure.getMessage());
        // libvirt calls a migration unsafe for local disks and for disks cached in a way that may corrupt them, with
        // one code for both: its words say which
        if (failure instanceof HypervisorException h && h.code() == HypervisorException.MIGRATE_UNSAFE
                && message.contains("without shared storage")) {
            return message + ". libvirt cannot tell that both hosts see these disks: choose 'copy storage', or"
                    + " 'force' when the storage really is shared.";
        }
        return message;
    }

    private Optional<Long> downtime(Migration migration) {
        try {
            return migrationGateway.lastMigrationDowntimeMs(migration.targetHostId(), migration.uuid());
        } catch (HypervisorException e) {
            return Optional.empty();
        }
    }

    private void abort(Migration migration) {
        try {
            migrationGateway.abortJob(migration.sourceHostId(), migration.uuid());
        } catch (HypervisorException e) {
            // e.g. already in post-copy, where libvirt cannot go back: the migration then simply finishes
            log.info("migration of {} could not be aborted: {}", migration.guestName(), e.getMessage());
        }
    }

    private Optional<MigrationProgress> jobProgress(Migration migration) {
        try {
            return migrationGateway.migrationProgress(migration.sourceHostId(), migration.uuid());
        } catch (HypervisorException e) {
            return Optional.empty(); // the domain left the source (done) or the host is away: settle() decides
        }
    }

    /** An option applied during the job; when libvirt refuses it the migration goes on without it. */
    private static boolean attempt(String what, Runnable action) {
        try {
            action.run();
            return true;
        } catch (HypervisorException e) {
            log.info("could not {} for a migration: {}", what, e.getMessage());
            return false;
        }
    }

    private void expect(Migration migration) {
        expected.expect(migration.sourceHostId(), migration.uuid());
        expected.expect(migration.targetHostId(), migration.uuid());
    }

    private boolean connected(long hostId) {
        return connectionGateway.state(hostId) == ConnectionState.CONNECTED;
    }

    private String targetUri(Migration migration) {
        return hosts.findById(migration.targetHostId()).map(Host::uri).orElseThrow(() ->
                VirtdeckException.conflict("The target host was removed from Virtdeck."));
    }

    private String hostName(long hostId) {
        return hosts.findById(hostId).map(Host::name).orElse("host " + hostId);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
