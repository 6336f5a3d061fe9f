package io.virtdeck.guest.snapshot;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.SnapshotFacts;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.SnapshotKind;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * A guest's snapshots: list (every role), take, revert to and delete (admins and operators). Snapshots are internal
 * qcow2 ones, as libvirt takes them by default: disk and memory of a running (or paused) guest, disk alone of a
 * shut-off one. A guest with a disk that cannot hold them (raw) gets external ones instead: each disk goes on in a
 * qcow2 overlay and the memory, if kept, in a file; so does a guest that has external snapshots already, since one
 * chain should not mix both. Each change runs through {@link GuestActionPlans}: one action at a time per guest,
 * checked against the live state first, one audit entry.
 */
@Service
public class GuestSnapshotService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_DESCRIPTION = 1000;
    private static final Set<DomainRunState> WITH_MEMORY = EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED);

    private final GuestRepository guests;
    private final SnapshotGateway gateway;
    private final GuestActionPlans plans;
    private final UndoJournal journal;

    private final Permissions permissions;

    public GuestSnapshotService(GuestRepository guests, SnapshotGateway gateway, GuestActionPlans plans,
                                UndoJournal journal, Permissions permissions) {
        this.journal = journal;
        this.permissions = permissions;
        this.guests = guests;
        this.gateway = gateway;
        this.plans = plans;
    }

    public SnapshotTree list(long guestId) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        Guest guest = guests.require(guestId);
        try {
            return tree(guest);
        } catch (HypervisorException e) {
            throw e.kind() == HypervisorException.Kind.NOT_FOUND
                    ? VirtdeckException.notFound("'" + guest.name() + "' no longer exists on host '" + guest.hostName()
                    + "'.")
                    : VirtdeckException.conflict(GuestActionPlans.explain(guest, e));
        }
    }

    public SnapshotTree.Node create(long guestId, SnapshotRequest request) {
        Guest guest = guests.require(guestId);
        String name = request.name() == null ? "" : request.name().trim();
        AtomicReference<SnapshotKind> kind = new AtomicReference<>();
        SnapshotFacts taken = plans.explaining(guest, AuditAction.GUEST_SNAPSHOT_CREATE,
                        e -> SnapshotRefusals.explain(guest, "Taking snapshot '" + name + "'", e))
                .check(() -> checkRequest(name, request.description()))
                .check(plans.live(guest, live -> {
                    SnapshotTree tree = tree(guest);
                    kind.set(checkCanSnapshot(guest, live, request.withMemory(), tree.anyExternal()));
                    if (tree.contains(name)) {
                        throw VirtdeckException.conflict("name", "'" + guest.name() + "' already has a snapshot"
                                + " named '" + name + "'.");
                    }
                }))
                .run(() -> {
                    SnapshotFacts made;
                    // libvirt takes it whole even when Virtdeck is killed meanwhile: recorded, to be looked for then
                    try (MadeSoFar taking = journal.begin(AuditAction.GUEST_SNAPSHOT_CREATE,
                            AuditObject.guest(guest.id(), guest.name()))) {
                        made = taking.snapshot(guest.hostId(), guest.hostName(), guest.uuid(), guest.name(), name,
                                () -> gateway.createSnapshot(guest.hostId(), guest.uuid(), name,
                                        request.description(), kind.get()));
                        taking.done();
                    }
                    return Done.of(made, "snapshot '" + name + "' (" + (made.withMemory() ? "disk and memory"
                            : "disk only") + (made.external() ? ", external" : "") + ")");
                });
        return SnapshotTree.of(List.of(taken)).roots().get(0);
    }

    private static void checkRequest(String name, String description) {
        if (!NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "A snapshot name is 1 to 64 letters, digits, dots, dashes or"
                    + " underscores, starting with a letter or digit.");
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw VirtdeckException.invalid("description", "A description is at most " + MAX_DESCRIPTION
                    + " characters.");
        }
    }

    /** Puts the guest back to the snapshot; what it holds now (disk changes, and memory if it runs) is lost. */
    public Guest revert(long guestId, String name) {
        Guest guest = guests.require(guestId);
        onSnapshot(guest, name, new SnapshotChange(AuditAction.GUEST_SNAPSHOT_REVERT, "Reverting to snapshot",
                "revert to a snapshot", "reverted to snapshot"), snapshot -> {
                    if (snapshot.external() && !gateway.revertsExternalSnapshots(guest.hostId())) {
                        throw VirtdeckException.conflict("Snapshot '" + name + "' of '" + guest.name() + "' is"
                                + " external (its disks went on in overlay files), and the libvirt on host '"
                                + guest.hostName() + "' reverts external snapshots only from version 9.7 on. Until"
                                + " then the snapshot can be deleted, which keeps the guest as it is now and folds"
                                + " the overlays back into its disks.");
                    }
                },
                () -> gateway.revertToSnapshot(guest.hostId(), guest.uuid(), name));
        return guests.findById(guestId).orElse(guest);
    }

    /** Deletes the snapshot; the guest itself is untouched, and the snapshot's children move up to its parent. */
    public SnapshotTree delete(long guestId, String name) {
        Guest guest = guests.require(guestId);
        onSnapshot(guest, name, new SnapshotChange(AuditAction.GUEST_SNAPSHOT_DELETE, "Deleting snapshot",
                "delete a snapshot", "deleted snapshot"), snapshot -> { },
                () -> gateway.deleteSnapshot(guest.hostId(), guest.uuid(), name));
        return tree(guest);
    }

    /**
     * How a change to an existing snapshot is named: its audit action, the words of its refusals ("Reverting to
     * snapshot 's1' failed ..."; "Cannot revert to a snapshot while ..."), and its audit detail.
     */
    private record SnapshotChange(AuditAction action, String doing, String refusedWhat, String done) {
    }

    /**
     * Runs a change to an existing snapshot: 404 when the guest has no snapshot of that name; {@code check} refuses
     * what this change cannot do to that snapshot.
     */
    private void onSnapshot(Guest guest, String name, SnapshotChange change, Consumer<SnapshotTree.Node> check,
                            Runnable act) {
        plans.explaining(guest, change.action(), e -> SnapshotRefusals.explain(guest, change.doing() + " '" + name
                        + "'", e))
                .check(plans.live(guest, live -> {
                    requireSettled(guest, live, change.refusedWhat());
                    check.accept(requireSnapshot(guest, name));
                }))
                .run(() -> {
                    act.run();
                    return Done.noted(change.done() + " '" + name + "'");
                });
    }

    /**
     * What Virtdeck knows before asking libvirt: the state, the memory wish, saved memory, the disks' formats; and so
     * which kind of snapshot to take.
     */
    private static SnapshotKind checkCanSnapshot(Guest guest, DomainFacts live, Boolean withMemory,
                                                 boolean hasExternal) {
        DomainRunState state = live.state();
        if (!WITH_MEMORY.contains(state) && state != DomainRunState.SHUTOFF) {
            throw VirtdeckException.conflict("Cannot take a snapshot of '" + guest.name() + "': it is "
                    + GuestActions.describe(state) + ".");
        }
        if (live.managedSave()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is saved (hibernated): its memory waits in a file"
                    + " on the host. Restore it (Start) first, then take the snapshot.");
        }
        if (Boolean.TRUE.equals(withMemory) && !WITH_MEMORY.contains(state)) {
            throw VirtdeckException.conflict("withMemory", "'" + guest.name() + "' is shut off: it has no memory to"
                    + " save. Take the snapshot without memory (disk only), or start the guest first.");
        }
        List<DiskFacts> disks = live.disks().stream().filter(d -> "disk".equals(d.device())).toList();
        if (disks.isEmpty()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' has no disk: a snapshot records disk state"
                    + " (and memory with it), so there is nothing to snapshot. Add a disk first.");
        }
        boolean external = hasExternal || disks.stream()
                .anyMatch(d -> d.format() != null && !"qcow2".equals(d.format().toLowerCase(Locale.ROOT)));
        boolean memory = WITH_MEMORY.contains(state) && !Boolean.FALSE.equals(withMemory);
        if (!external) {
            if (WITH_MEMORY.contains(state) && !memory) {
                throw VirtdeckException.conflict("withMemory", "'" + guest.name() + "' is "
                        + GuestActions.describe(state) + ": an internal snapshot of a running guest always holds its"
                        + " memory with its disks. Take it with memory, or shut the guest down for a disk-only"
                        + " snapshot.");
            }
            return SnapshotKind.INTERNAL;
        }
        return memory ? SnapshotKind.EXTERNAL_WITH_MEMORY : SnapshotKind.EXTERNAL_DISK_ONLY;
    }

    private static void requireSettled(Guest guest, DomainFacts live, String what) {
        if (live.state() == DomainRunState.MIGRATING || live.state() == DomainRunState.UNKNOWN) {
            throw VirtdeckException.conflict("Cannot " + what + " while '" + guest.name() + "' is "
                    + GuestActions.describe(live.state()) + ".");
        }
    }

    private SnapshotTree.Node requireSnapshot(Guest guest, String name) {
        return tree(guest).find(name).orElseThrow(() ->
                VirtdeckException.notFound("'" + guest.name() + "' has no snapshot named '" + name + "'."));
    }

    private SnapshotTree tree(Guest guest) {
        return SnapshotTree.of(gateway.snapshots(guest.hostId(), guest.uuid()));
    }
}
