package io.virtdeck.guest;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.guest.GuestActionRunner.Done;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.hypervisor.SnapshotFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.security.Access;
import io.virtdeck.web.VirtdeckException;

/**
 * A guest's snapshots: list (every role), take, revert to and delete (admins and operators). Snapshots are internal
 * qcow2 ones, as libvirt takes them by default: disk and memory of a running (or paused) guest, disk alone of a
 * shut-off one. Each change runs through {@link GuestActionRunner}: one action at a time per guest, checked against
 * the live state first, one audit entry.
 */
@Service
public class GuestSnapshotService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_DESCRIPTION = 1000;
    private static final Set<DomainRunState> WITH_MEMORY = EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED);

    private final GuestRepository guests;
    private final HypervisorGateway gateway;
    private final GuestActionRunner runner;

    public GuestSnapshotService(GuestRepository guests, HypervisorGateway gateway, GuestActionRunner runner) {
        this.guests = guests;
        this.gateway = gateway;
        this.runner = runner;
    }

    @PreAuthorize(Access.READ_GUESTS)
    public SnapshotTree list(long guestId) {
        Guest guest = guests.require(guestId);
        try {
            return tree(guest);
        } catch (HypervisorException e) {
            throw e.kind() == HypervisorException.Kind.NOT_FOUND
                    ? VirtdeckException.notFound("'" + guest.name() + "' no longer exists on host '" + guest.hostName()
                    + "'.")
                    : VirtdeckException.conflict(GuestActionRunner.explain(guest, e));
        }
    }

    @PreAuthorize(Access.OPERATE)
    public SnapshotTree.Node create(long guestId, SnapshotRequest request) {
        Guest guest = guests.require(guestId);
        String name = request.name() == null ? "" : request.name().trim();
        if (!NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "A snapshot name is 1 to 64 letters, digits, dots, dashes or"
                    + " underscores, starting with a letter or digit.");
        }
        if (request.description() != null && request.description().length() > MAX_DESCRIPTION) {
            throw VirtdeckException.invalid("description", "A description is at most " + MAX_DESCRIPTION
                    + " characters.");
        }
        Done<SnapshotFacts> done = runner.run(guest, "guest.snapshot.create", live -> {
            checkCanSnapshot(guest, live, request.withMemory());
            if (tree(guest).contains(name)) {
                throw VirtdeckException.conflict("name", "'" + guest.name() + "' already has a snapshot named '"
                        + name + "'.");
            }
        }, () -> {
            SnapshotFacts taken = gateway.createSnapshot(guest.hostId(), guest.uuid(), name, request.description());
            return new Done<>(taken, "snapshot '" + name + "' (" + (taken.withMemory() ? "disk and memory"
                    : "disk only") + ")");
        }, e -> SnapshotRefusals.explain(guest, "Taking snapshot '" + name + "'", e));
        return SnapshotTree.of(List.of(done.value())).roots().get(0);
    }

    /** Puts the guest back to the snapshot; what it holds now (disk changes, and memory if it runs) is lost. */
    @PreAuthorize(Access.OPERATE)
    public Guest revert(long guestId, String name) {
        Guest guest = guests.require(guestId);
        onSnapshot(guest, name, new SnapshotChange("guest.snapshot.revert", "Reverting to snapshot",
                "revert to a snapshot", "reverted to snapshot"),
                () -> gateway.revertToSnapshot(guest.hostId(), guest.uuid(), name));
        return guests.findById(guestId).orElse(guest);
    }

    /** Deletes the snapshot; the guest itself is untouched, and the snapshot's children move up to its parent. */
    @PreAuthorize(Access.OPERATE)
    public SnapshotTree delete(long guestId, String name) {
        Guest guest = guests.require(guestId);
        onSnapshot(guest, name, new SnapshotChange("guest.snapshot.delete", "Deleting snapshot",
                "delete a snapshot", "deleted snapshot"),
                () -> gateway.deleteSnapshot(guest.hostId(), guest.uuid(), name));
        return tree(guest);
    }

    /**
     * How a change to an existing snapshot is named: its audit action, the words of its refusals ("Reverting to
     * snapshot 's1' failed ..."; "Cannot revert to a snapshot while ..."), and its audit detail.
     */
    private record SnapshotChange(String action, String doing, String refusedWhat, String done) {
    }

    /** Runs a change to an existing snapshot: 404 when the guest has no snapshot of that name. */
    private void onSnapshot(Guest guest, String name, SnapshotChange change, Runnable act) {
        runner.run(guest, change.action(), live -> {
            requireSettled(guest, live, change.refusedWhat());
            requireSnapshot(guest, name);
        }, () -> {
            act.run();
            return new Done<>(null, change.done() + " '" + name + "'");
        }, e -> SnapshotRefusals.explain(guest, change.doing() + " '" + name + "'", e));
    }

    /** What Virtdeck knows before asking libvirt: the state, the memory wish, saved memory, the disks' formats. */
    private static void checkCanSnapshot(Guest guest, DomainFacts live, Boolean withMemory) {
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
        if (Boolean.FALSE.equals(withMemory) && WITH_MEMORY.contains(state)) {
            throw VirtdeckException.conflict("withMemory", "'" + guest.name() + "' is " + GuestActions.describe(state)
                    + ": an internal snapshot of a running guest always holds its memory with its disks. Take it with"
                    + " memory, or shut the guest down for a disk-only snapshot.");
        }
        List<DiskFacts> disks = live.disks().stream().filter(d -> "disk".equals(d.device())).toList();
        if (disks.isEmpty()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' has no disk: a snapshot records disk state"
                    + " (and memory with it), so there is nothing to snapshot. Add a qcow2 disk first.");
        }
        for (DiskFacts disk : disks) {
            if (disk.format() != null && !"qcow2".equals(disk.format().toLowerCase(Locale.ROOT))) {
                throw VirtdeckException.conflict("Cannot take a snapshot of '" + guest.name() + "': its disk "
                        + disk.target() + " is " + disk.format() + ", and the disk format (" + disk.format()
                        + ") cannot hold internal snapshots; convert the disk to qcow2 (qemu-img convert, with the"
                        + " guest shut off) and point the guest at the copy.");
            }
        }
    }

    private static void requireSettled(Guest guest, DomainFacts live, String what) {
        if (live.state() == DomainRunState.MIGRATING || live.state() == DomainRunState.UNKNOWN) {
            throw VirtdeckException.conflict("Cannot " + what + " while '" + guest.name() + "' is "
                    + GuestActions.describe(live.state()) + ".");
        }
    }

    private void requireSnapshot(Guest guest, String name) {
        if (!tree(guest).contains(name)) {
            throw VirtdeckException.notFound("'" + guest.name() + "' has no snapshot named '" + name + "'.");
        }
    }

    private SnapshotTree tree(Guest guest) {
        return SnapshotTree.of(gateway.snapshots(guest.hostId(), guest.uuid()));
    }
}
