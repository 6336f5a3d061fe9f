package io.virtdeck.bulk;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.guest.lifecycle.GuestLifecycleService;
import io.virtdeck.guest.snapshot.GuestSnapshotService;
import io.virtdeck.guest.snapshot.SnapshotRequest;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.migration.MigrationRequest;
import io.virtdeck.migration.MigrationService;
import io.virtdeck.migration.Placement;
import io.virtdeck.task.Task;
import io.virtdeck.tag.TagService;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskService;

/**
 * One guest's part of a bulk action, as a child task of the bulk action's: the guest's own service does the work
 * (its permission, busy and live-state checks, its audit entry), exactly as when the guest's own button is pressed.
 * A guest the action no longer fits (it changed since it was selected) is skipped, its task closed as cancelled.
 */
@Component
class BulkSteps {

    private static final Duration MIGRATION_POLL = Duration.ofMillis(200);

    private final TaskService tasks;
    private final GuestRepository guests;
    private final GuestLifecycleService lifecycle;
    private final GuestSnapshotService snapshots;
    private final MigrationService migrations;
    private final Placement placement;
    private final TagService tags;

    BulkSteps(TaskService tasks, GuestRepository guests, GuestLifecycleService lifecycle,
              GuestSnapshotService snapshots, MigrationService migrations, Placement placement, TagService tags) {
        this.tags = tags;
        this.tasks = tasks;
        this.guests = guests;
        this.lifecycle = lifecycle;
        this.snapshots = snapshots;
        this.migrations = migrations;
        this.placement = placement;
    }

    /**
     * What every guest of one bulk action gets besides the action: the snapshot's name, the migration's target, the
     * tags added.
     */
    record Options(String snapshotName, Long targetHostId, List<String> tags) {
    }

    /** Acts on one guest; returns its child task as it ended, empty when the guest was skipped before it had one. */
    Optional<Task> perform(long parentId, BulkAction action, Guest selected, Options options)
            throws InterruptedException {
        AuditObject object = AuditObject.guest(selected.id(), selected.name());
        if (action == BulkAction.MIGRATE) {
            return migrate(parentId, selected, object, options);
        }
        return tasks.runChild(parentId, action.childType(), object, progress -> {
            Guest guest = stillFitting(action, selected);
            return switch (action) {
                case START, SHUTDOWN, POWEROFF, REBOOT, SUSPEND, RESUME -> {
                    Guest now = lifecycle.perform(guest.id(), action.powerAction());
                    yield action.label() + ": '" + guest.name() + "' is now "
                            + GuestActions.describe(now.state(), now.managedSave()) + ".";
                }
                case SNAPSHOT -> {
                    snapshots.create(guest.id(), new SnapshotRequest(options.snapshotName(), null, null));
                    yield "Snapshot '" + options.snapshotName() + "' of '" + guest.name() + "' taken.";
                }
                case TAG -> {
                    tags.addToGuest(guest.id(), options.tags());
                    yield "'" + guest.name() + "' tagged " + String.join(", ", options.tags()) + ".";
                }
                case MIGRATE -> throw new IllegalStateException("migrations are tasks of their own");
            };
        });
    }

    /** The guest as it is now; skipped (its task cancelled, with why) when it is gone or the action no longer fits. */
    private Guest stillFitting(BulkAction action, Guest selected) {
        Guest guest = guests.findById(selected.id()).orElseThrow(() -> new TaskCancelledException("Skipped: '"
                + selected.name() + "' no longer exists."));
        String whyNot = action.whyNot(guest);
        if (whyNot != null) {
            throw new TaskCancelledException("Skipped: " + whyNot + ".");
        }
        return guest;
    }

    /**
     * A migration is a task of its own (MigrationService): it becomes this bulk action's child, followed until it
     * ends. A guest no host can take, or that cannot move now, is skipped with the reason.
     */
    private Optional<Task> migrate(long parentId, Guest selected, AuditObject object, Options options)
            throws InterruptedException {
        Long target = options.targetHostId();
        if (target == null) {
            Placement.Choice choice = placement.choose(selected);
            if (choice.host().isEmpty()) {
                tasks.skipChild(parentId, BulkAction.MIGRATE.childType(), object, "no host can take it: "
                        + String.join("; ", choice.reasons()));
                return Optional.empty();
            }
            target = choice.host().map(Host::id).orElseThrow();
        }
        if (target == selected.hostId()) {
            tasks.skipChild(parentId, BulkAction.MIGRATE.childType(), object, "it is already on host '"
                    + selected.hostName() + "'.");
            return Optional.empty();
        }
        Task started;
        try {
            started = migrations.migrate(selected.id(), MigrationRequest.to(target));
        } catch (VirtdeckException | AccessDeniedException e) {
            tasks.skipChild(parentId, BulkAction.MIGRATE.childType(), object, e.getMessage());
            return Optional.empty();
        }
        tasks.adoptAsChild(parentId, started.id());
        Task current = started;
        while (!current.state().finished()) {
            Thread.sleep(MIGRATION_POLL.toMillis());
            current = tasks.find(started.id()).orElseThrow();
        }
        return Optional.of(current);
    }
}
