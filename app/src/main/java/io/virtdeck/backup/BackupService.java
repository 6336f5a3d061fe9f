package io.virtdeck.backup;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
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
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;

/**
 * Backing guests up and restoring them, as tasks. ADMIN and OPERATOR act (OPERATE on the guest, or on the store's
 * host for a restore); VIEWER reads (the guest's history); HELPDESK sees nothing of backups.
 */
@Service
public class BackupService {

    private final BackupPlanner planner;
    private final BackupRun run;
    private final BackupRestore restore;
    private final BackupPrune prune;
    private final BackupVerify verify;
    private final BackupRepository repository;
    private final BackupStoreService stores;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final Permissions permissions;

    BackupService(BackupPlanner planner, BackupRun run, BackupRestore restore, BackupPrune prune, BackupVerify verify,
                  BackupRepository repository,
                  BackupStoreService stores, GuestRepository guests, HostRepository hosts, TaskService tasks,
                  ActionRunner actions, Permissions permissions) {
        this.hosts = hosts;
        this.planner = planner;
        this.run = run;
        this.restore = restore;
        this.prune = prune;
        this.verify = verify;
        this.repository = repository;
        this.stores = stores;
        this.guests = guests;
        this.tasks = tasks;
        this.actions = actions;
        this.permissions = permissions;
    }

    /** Backs the guest up into the store: incremental where the chain can go on, else full (the reason recorded). */
    public Task backUp(long guestId, BackupRunRequest request) {
        Guest guest = guests.require(guestId);
        AuditObject subject = AuditObject.guest(guest.id(), guest.name());
        AtomicReference<BackupPlan> plan = new AtomicReference<>();
        return actions.plan(AuditAction.BACKUP_RUN, subject)
                .permit(() -> permissions.requireGuest(Action.OPERATE, guestId))
                .check(() -> {
                    if (request.storeId() == null) {
                        throw VirtdeckException.invalid("storeId", "storeId is required: the backup store to use.");
                    }
                    BackupStore store = repository.findStore(request.storeId()).orElseThrow(() ->
                            VirtdeckException.invalid("storeId", "There is no backup store with id "
                                    + request.storeId() + "."));
                    plan.set(planner.plan(guest, store, Boolean.TRUE.equals(request.full()),
                            !Boolean.FALSE.equals(request.quiesce())));
                })
                .start(ending -> tasks.submit(AuditAction.BACKUP_RUN, subject, true,
                        progress -> run.run(plan.get(), progress, ending)));
    }

    /**
     * A job's backup of a guest, audited under the job's name: the job's creator was checked when it was made. After a
     * successful backup, the job's retention prunes the guest's backups in the store, in the same task.
     */
    Task backUpForJob(Guest guest, BackupStore store, BackupJob job) {
        AuditObject subject = AuditObject.guest(guest.id(), guest.name());
        AtomicReference<BackupPlan> plan = new AtomicReference<>();
        return actions.plan(AuditAction.BACKUP_RUN, subject).by("job:" + job.name())
                .check(() -> plan.set(planner.plan(guest, store, false, true)))
                .start(ending -> tasks.submit(AuditAction.BACKUP_RUN, subject, true, progress -> {
                    TaskProgress backup = job.verify() == null ? progress : progress.step(0, 50);
                    String done = run.run(plan.get(), backup, ending) + " "
                            + prune.prune(guest.uuid(), store, job.retention(), ZoneId.systemDefault());
                    return job.verify() == null ? done : done + " " + verifyNewest(guest, store, job, progress);
                }));
    }

    /** The job's verified restore of the backup just made; a failed check fails the task, saying the backup is made. */
    private String verifyNewest(Guest guest, BackupStore store, BackupJob job, TaskProgress progress)
            throws InterruptedException {
        BackupPoint newest = repository.latestPoint(guest.uuid(), store.id()).orElseThrow();
        AuditObject point = new AuditObject("backup", store.auditPrefix() + "/" + newest.id(), newest.guestName() + " #"
                + newest.seq());
        try {
            return verify.run(newest, store, job.verify(), progress.step(50, 100),
                    actions.resumed(AuditAction.BACKUP_VERIFY, point, CurrentUser.name()));
        } catch (VirtdeckException e) {
            throw VirtdeckException.conflict("The backup was made, but " + e.getMessage());
        }
    }

    /** The guest's backup points, newest first; VIEWER may read them, HELPDESK may not. */
    public List<BackupPoint> points(long guestId) {
        permissions.requireGuest(Action.READ_HISTORY, guestId);
        return repository.pointsOfGuest(guests.require(guestId).uuid());
    }

    /** One point, to those who may read its store. */
    public BackupPoint point(long pointId) {
        BackupPoint point = repository.findPoint(pointId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no backup with id " + pointId + "."));
        stores.readable(point.storeId());
        return point;
    }

    /**
     * Restores a complete point as a new guest (on the store's host unless another is named: OPERATE on that host), or
     * in place over its shut-off guest.
     */
    public Task restore(long pointId, RestoreRequest request) {
        BackupPoint point = point(pointId);
        BackupStore store = stores.readable(point.storeId());
        if (Boolean.TRUE.equals(request.inPlace())) {
            return restoreInPlace(point, store, request);
        }
        // "<host>/<point>": seen by those who may read the store's host, as a pool's or volume's rows are
        AuditObject subject = new AuditObject("backup", store.auditPrefix() + "/" + point.id(), point.guestName() + " #"
                + point.seq());
        AtomicReference<RestorePlan> plan = new AtomicReference<>();
        return actions.plan(AuditAction.BACKUP_RESTORE, subject)
                .permit(() -> {
                    permissions.require(Action.READ_HOST, store.scope());
                    if (request.hostId() != null && hosts.findById(request.hostId()).isPresent()) {
                        permissions.requireHost(Action.OPERATE, request.hostId());
                    } else {
                        permissions.require(Action.OPERATE, store.onServer() ? ObjectRef.host(point.hostId())
                                : store.scope());
                    }
                })
                .check(() -> plan.set(restore.plan(point, store, request)))
                .start(ending -> tasks.submit(AuditAction.BACKUP_RESTORE, subject, true,
                        progress -> restore.run(plan.get(), progress, ending)));
    }

    /** The guest is the subject: it is busy (not started, migrated, backed up) while its disks are replaced. */
    private Task restoreInPlace(BackupPoint point, BackupStore store, RestoreRequest request) {
        Guest guest = guests.findByHostAndUuid(point.hostId(), point.guestUuid()).orElseThrow(() ->
                VirtdeckException.conflict("inPlace", "'" + point.guestName() + "' is no longer on the host it was"
                        + " backed up on: restore the backup as a new guest."));
        AuditObject subject = AuditObject.guest(guest.id(), guest.name());
        AtomicReference<InPlacePlan> plan = new AtomicReference<>();
        return actions.plan(AuditAction.BACKUP_RESTORE, subject)
                .permit(() -> permissions.requireGuest(Action.OPERATE, guest.id()))
                .check(() -> plan.set(restore.planInPlace(point, store, request)))
                .start(ending -> tasks.submit(AuditAction.BACKUP_RESTORE, subject, true,
                        progress -> restore.runInPlace(plan.get(), progress, ending)));
    }

    /** Restores the point into a temporary guest on an isolated network, boots it, checks it, removes it. */
    public Task verify(long pointId, VerifyRequest request) {
        BackupPoint point = point(pointId);
        BackupStore store = stores.readable(point.storeId());
        AuditObject subject = new AuditObject("backup", store.auditPrefix() + "/" + point.id(), point.guestName() + " #"
                + point.seq());
        AtomicReference<VerifyRequest> checked = new AtomicReference<>();
        return actions.plan(AuditAction.BACKUP_VERIFY, subject)
                .permit(() -> permissions.require(Action.OPERATE, store.onServer() ? ObjectRef.host(point.hostId())
                        : store.scope()))
                .check(() -> {
                    checked.set(BackupVerify.checked(request));
                    if (point.state() != BackupPoint.State.COMPLETE) {
                        throw VirtdeckException.conflict("Only a complete backup can be verified.");
                    }
                })
                .start(ending -> tasks.submit(AuditAction.BACKUP_VERIFY, subject, true,
                        progress -> verify.run(point, store, checked.get(), progress, ending)));
    }
}
