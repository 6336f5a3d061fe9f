package io.virtdeck.backup;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * Scheduled backups: jobs made by those who may operate what they cover, and their runs. Every instance looks for due
 * jobs every 15 seconds; a due run is claimed in PostgreSQL (compare-and-set of its time), so it runs on one
 * instance only. A run backs up each guest the job covers as a task of its own (a guest busy with another task is
 * skipped, and said so), then prunes by the job's retention.
 */
@Service
public class BackupJobService {

    private static final Logger log = LoggerFactory.getLogger(BackupJobService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final BackupJobRepository jobs;
    private final BackupRepository repository;
    private final BackupService backups;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final ActionRunner actions;
    private final Permissions permissions;
    private final Clock clock;

    BackupJobService(BackupJobRepository jobs, BackupRepository repository, BackupService backups,
                     GuestRepository guests, HostRepository hosts, ActionRunner actions, Permissions permissions) {
        this.jobs = jobs;
        this.repository = repository;
        this.backups = backups;
        this.guests = guests;
        this.hosts = hosts;
        this.actions = actions;
        this.permissions = permissions;
        this.clock = Clock.systemUTC();
    }

    public BackupJob create(BackupJobRequest request) {
        BackupJob.Scope scope = scopeOrNull(request.scope());
        return actions.plan(AuditAction.BACKUP_JOB_CREATE, new AuditObject("backup-job", null, request.name()))
                .evenWhileBusy()
                .permit(() -> permit(scope, request))
                .check(() -> check(scope, request, null))
                .run(() -> {
                    Instant next = BackupSchedule.parse(request.schedule(), clock.instant(), zone())
                            .next(clock.instant(), zone());
                    VerifyRequest verify = request.verify() == null ? null
                            : BackupVerify.checked(request.verify(), "verify.");
                    BackupJob job = jobs.find(jobs.insert(request, scope, verify, next, CurrentUser.name()))
                            .orElseThrow();
                    return Done.of(job, "schedule '" + job.schedule() + "' (" + job.timeZone() + "), next run "
                            + job.nextRunAt()).about(subject(job));
                });
    }

    /**
     * Changes the job: what it backs up, where, when, its retention and verification; its next run is counted again
     * from now. Permitted to those who may operate what it covered and what it will cover.
     */
    public BackupJob update(long id, BackupJobRequest request) {
        BackupJob job = get(id);
        BackupJob.Scope scope = scopeOrNull(request.scope());
        return actions.plan(AuditAction.BACKUP_JOB_UPDATE, subject(job)).evenWhileBusy()
                .permit(() -> {
                    permissions.require(Action.OPERATE, storeScope(job));
                    permit(scope, request);
                })
                .check(() -> check(scope, request, id))
                .run(() -> {
                    Instant next = BackupSchedule.parse(request.schedule(), clock.instant(), zone())
                            .next(clock.instant(), zone());
                    VerifyRequest verify = request.verify() == null ? null
                            : BackupVerify.checked(request.verify(), "verify.");
                    jobs.update(id, request, scope, verify, next);
                    BackupJob changed = jobs.find(id).orElseThrow();
                    return Done.of(changed, "schedule '" + changed.schedule() + "' (" + changed.timeZone()
                            + "), next run " + changed.nextRunAt()).about(subject(changed));
                });
    }

    /** The next {@code count} times the schedule fires, in the server's time zone; 400 naming "schedule" if none. */
    public List<ZonedDateTime> nextRuns(String schedule, int count) {
        permissions.visibleOrDeny(Action.READ_HOST); // help desk sees nothing of backups
        Instant now = clock.instant();
        BackupSchedule parsed = BackupSchedule.parse(schedule, now, zone());
        List<ZonedDateTime> runs = new ArrayList<>();
        for (Instant at = parsed.next(now, zone()); at != null && runs.size() < count; at = parsed.next(at, zone())) {
            runs.add(at.atZone(zone()));
        }
        return runs;
    }

    /** How the tasks of the job's latest run stand, as a count per task state. */
    public Map<String, Long> lastRunStates(BackupJob job) {
        return jobs.taskStates(job.lastRunTasks());
    }

    /** Null for no such scope: refused after the permission check, as every field is. */
    private static BackupJob.Scope scopeOrNull(String scope) {
        try {
            return BackupJob.Scope.valueOf(String.valueOf(scope).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Operating what the job covers: the guest, the host, or the whole fleet for every guest. */
    private void permit(BackupJob.Scope scope, BackupJobRequest request) {
        if (scope == BackupJob.Scope.GUEST && request.guestId() != null
                && guests.findById(request.guestId()).isPresent()) {
            permissions.requireGuest(Action.OPERATE, request.guestId());
        } else if (scope == BackupJob.Scope.HOST && request.hostId() != null
                && hosts.findById(request.hostId()).isPresent()) {
            permissions.requireHost(Action.OPERATE, request.hostId());
        } else {
            permissions.require(Action.OPERATE, ObjectRef.root());
        }
    }

    /** @param self the job being changed; null for a new one */
    private void check(BackupJob.Scope scope, BackupJobRequest request, Long self) {
        if (scope == null) {
            throw VirtdeckException.invalid("scope", "scope must be guest, host or all.");
        }
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw VirtdeckException.invalid("name", "name is required: letters, digits, '.', '_' and '-', starting"
                    + " with a letter or digit, at most 64 characters.");
        }
        if (request.storeId() == null) {
            throw VirtdeckException.invalid("storeId", "storeId is required: the backup store the job writes to.");
        }
        BackupStore store = repository.findStore(request.storeId()).orElseThrow(() ->
                VirtdeckException.invalid("storeId", "There is no backup store with id " + request.storeId() + "."));
        if (scope == BackupJob.Scope.GUEST) {
            Guest guest = request.guestId() == null ? null : guests.findById(request.guestId()).orElse(null);
            if (guest == null) {
                throw VirtdeckException.invalid("guestId", "guestId must name an existing guest for a guest job.");
            }
        }
        if (scope == BackupJob.Scope.HOST) {
            if (request.hostId() == null || hosts.findById(request.hostId()).isEmpty()) {
                throw VirtdeckException.invalid("hostId", "hostId must name an existing host for a host job.");
            }
        }
        BackupSchedule.parse(request.schedule(), clock.instant(), zone());
        if (request.retention() == null) {
            throw VirtdeckException.invalid("retention", "retention is required, e.g. {\"keepLast\": 7}.");
        }
        request.retention().validate();
        if (request.verify() != null) {
            BackupVerify.checked(request.verify(), "verify.");
        }
        if (jobs.findByName(request.name()).filter(other -> self == null || other.id() != self).isPresent()) {
            throw VirtdeckException.conflict("name", "A backup job named '" + request.name() + "' exists already.");
        }
    }

    public List<BackupJob> list() {
        return jobs.all().stream().filter(this::readable).toList();
    }

    public BackupJob get(long id) {
        return jobs.find(id).filter(this::readable)
                .orElseThrow(() -> VirtdeckException.notFound("There is no backup job with id " + id + "."));
    }

    public void delete(long id) {
        BackupJob job = get(id);
        actions.plan(AuditAction.BACKUP_JOB_DELETE, subject(job)).evenWhileBusy()
                .permit(() -> permissions.require(Action.OPERATE, storeScope(job)))
                .execute(() -> jobs.delete(id));
    }

    /** Runs the job now, outside its schedule (its next scheduled run stays); returns what it started. */
    public String runNow(long id) {
        BackupJob job = get(id);
        permissions.require(Action.OPERATE, storeScope(job));
        return runJob(job);
    }

    private boolean readable(BackupJob job) {
        return permissions.allows(Action.READ_HOST, storeScope(job));
    }

    private ObjectRef storeScope(BackupJob job) {
        return repository.findStore(job.storeId()).map(BackupStore::scope).orElseThrow();
    }

    static AuditObject subject(BackupJob job) {
        return new AuditObject("backup-job", null, job.name());
    }

    private static ZoneId zone() {
        return ZoneId.systemDefault();
    }

    /** Every 15 s: the due jobs this instance claims first are run. */
    @Scheduled(fixedDelay = 15, initialDelay = 15, timeUnit = java.util.concurrent.TimeUnit.SECONDS)
    public void runDue() {
        Instant now = clock.instant();
        for (BackupJob job : jobs.due(now)) {
            Instant next = BackupSchedule.parse(job.schedule(), now, zone()).next(now, zone());
            if (jobs.claim(job.id(), job.nextRunAt(), next)) {
                try {
                    runJob(job);
                } catch (RuntimeException e) {
                    log.warn("backup job {} could not run: {}", job.name(), e.getMessage());
                    jobs.result(job.id(), "Could not run: " + e.getMessage(), List.of());
                }
            }
        }
    }

    private String runJob(BackupJob job) {
        BackupStore store = repository.findStore(job.storeId()).orElseThrow();
        List<Guest> covered = switch (job.scope()) {
            case GUEST -> guests.findById(job.guestId()).stream().toList();
            case HOST -> guests.findAllOn(job.hostId());
            case ALL -> hosts.findAll().stream().flatMap(host -> guests.findAllOn(host.id()).stream()).toList();
        };
        List<String> started = new ArrayList<>();
        List<Long> tasks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Guest guest : covered) {
            try {
                long task = backups.backUpForJob(guest, store, job).id();
                tasks.add(task);
                started.add(guest.name() + " (task " + task + ")");
            } catch (VirtdeckException e) {
                skipped.add(guest.name() + ": " + e.getMessage());
            }
        }
        String result = "Started " + started.size() + " backup(s)" + (started.isEmpty() ? "" : ": "
                + String.join(", ", started)) + (skipped.isEmpty() ? "." : "; skipped " + String.join("; ", skipped));
        jobs.result(job.id(), result, tasks);
        return result;
    }
}
