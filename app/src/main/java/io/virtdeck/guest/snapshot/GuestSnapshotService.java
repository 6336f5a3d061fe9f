package io.virtdeck.guest.snapshot;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
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
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.GuestAgentGateway;
import io.virtdeck.hypervisor.SnapshotFacts;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.SnapshotKind;
import io.virtdeck.hypervisor.SnapshotTaken;
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
 * <p>
 * <b>File systems frozen for the snapshot.</b> For a running guest whose guest agent answers, the guest's file systems
 * are frozen (virDomainFSFreeze) right before the snapshot and thawed (virDomainFSThaw) right after, in a finally,
 * whatever the snapshot's outcome: the disks in the snapshot are then consistent on their own, for a clone or backup
 * of the snapshot's disks, or a revert that discards the memory. libvirt's own QUIESCE flag cannot do it: it needs a
 * disk-only snapshot, and libvirt refuses disk-only internal snapshots of a running domain (its internal snapshots
 * hold the memory too). The agent is asked who it is with a short timeout first: where it does not answer (none
 * installed, still booting, a paused guest), the snapshot is taken as before, crash-consistent, and the answer says
 * "no guest agent answered: not frozen". The answer (and the audit entry, and the page's notice) says "file systems
 * frozen (N)" with the count the agent froze.
 * <p>
 * <b>Thawed after a revert.</b> The memory saved with such a snapshot holds the frozen state: a revert that brings that
 * memory back would leave the guest frozen, writes hanging. So a revert to a snapshot of a running guest asks the agent
 * to thaw right after (harmless when nothing is frozen), retrying while the agent comes back for at most
 * {@link #THAW_WAIT}; if it never answers, the revert's answer says the file systems may still be frozen and how to
 * thaw them.
 */
@Service
public class GuestSnapshotService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_DESCRIPTION = 1000;
    private static final Set<DomainRunState> WITH_MEMORY = EnumSet.of(DomainRunState.RUNNING, DomainRunState.PAUSED);
    /** How long a revert waits for the guest agent to answer its thaw; each question is a short one. */
    static final Duration THAW_WAIT = Duration.ofSeconds(30);
    private static final Duration THAW_RETRY = Duration.ofSeconds(1);

    private final GuestRepository guests;
    private final SnapshotGateway gateway;
    private final GuestAgentGateway agents;
    private final GuestActionPlans plans;
    private final UndoJournal journal;

    private final Permissions permissions;

    public GuestSnapshotService(GuestRepository guests, SnapshotGateway gateway, GuestAgentGateway agents,
                                GuestActionPlans plans, UndoJournal journal, Permissions permissions) {
        this.agents = agents;
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

    /**
     * Takes the snapshot; for a running guest whose agent answers, with its file systems frozen for the moment of it.
     */
    public TakenSnapshot create(long guestId, SnapshotRequest request) {
        Guest guest = guests.require(guestId);
        String name = request.name() == null ? "" : request.name().trim();
        AtomicReference<SnapshotKind> kind = new AtomicReference<>();
        AtomicReference<DomainRunState> state = new AtomicReference<>();
        SnapshotTaken taken = plans.explaining(guest, AuditAction.GUEST_SNAPSHOT_CREATE,
                        e -> SnapshotRefusals.explain(guest, "Taking snapshot '" + name + "'", e))
                .check(() -> checkRequest(name, request.description()))
                .check(plans.live(guest, live -> {
                    SnapshotTree tree = tree(guest);
                    kind.set(checkCanSnapshot(guest, live, request.withMemory(), tree.anyExternal()));
                    state.set(live.state());
                    if (tree.contains(name)) {
                        throw VirtdeckException.conflict("name", "'" + guest.name() + "' already has a snapshot"
                                + " named '" + name + "'.");
                    }
                }))
                .run(() -> {
                    SnapshotTaken made;
                    // libvirt takes it whole even when Virtdeck is killed meanwhile: recorded, to be looked for then
                    try (MadeSoFar taking = journal.begin(AuditAction.GUEST_SNAPSHOT_CREATE,
                            AuditObject.guest(guest.id(), guest.name()))) {
                        made = taking.snapshot(guest.hostId(), guest.hostName(), guest.uuid(), guest.name(), name,
                                () -> gateway.createSnapshot(guest.hostId(), guest.uuid(), name,
                                        request.description(), kind.get(), state.get() == DomainRunState.RUNNING));
                        taking.done();
                    }
                    SnapshotFacts facts = made.snapshot();
                    return Done.of(made, "snapshot '" + name + "' (" + (facts.withMemory() ? "disk and memory"
                            : "disk only") + (facts.external() ? ", external" : "") + "; "
                            + consistency(guest, state.get(), made) + ")");
                });
        return new TakenSnapshot(SnapshotTree.of(List.of(taken.snapshot())).roots().get(0), taken.frozen(),
                consistency(guest, state.get(), taken));
    }

    /** How consistent the snapshot's disks are, in words: frozen file systems, or why not. */
    static String consistency(Guest guest, DomainRunState state, SnapshotTaken taken) {
        if (taken.frozen() > 0) {
            String frozen = "file systems frozen (" + taken.frozen() + ") by the guest agent for the snapshot, "
                    + taken.frozenMillis() + " ms";
            return taken.thawProblem() == null ? frozen + ", thawed after"
                    : frozen + ", but thawing them failed (" + taken.thawProblem() + "): they may still be frozen;"
                    + " thaw them with 'virsh domfsthaw " + guest.name() + "'";
        }
        if (taken.freezeNote() != null) {
            return "crash-consistent, " + taken.freezeNote();
        }
        if (state == DomainRunState.PAUSED) {
            return "crash-consistent, the guest is paused: not frozen (its guest agent cannot answer)";
        }
        if (state == DomainRunState.RUNNING) {
            return "crash-consistent, no guest agent answered: not frozen";
        }
        return "the guest is shut off: its disks are at rest";
    }

    private static void checkRequest(String name, String description) {
        checkName("name", name);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw VirtdeckException.invalid("description", "A description is at most " + MAX_DESCRIPTION
                    + " characters.");
        }
    }

    /** A snapshot name as libvirt and the pages take it; 400 naming {@code field} otherwise. */
    public static void checkName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid(field, "A snapshot name is 1 to 64 letters, digits, dots, dashes or"
                    + " underscores, starting with a letter or digit.");
        }
    }

    /**
     * Puts the guest back to the snapshot; what it holds now (disk changes, and memory if it runs) is lost. A snapshot
     * of a running guest brings back its memory, which may hold file systems frozen for the snapshot: the guest agent
     * is then asked to thaw them (see the class comment).
     */
    public RevertedGuest revert(long guestId, String name) {
        Guest guest = guests.require(guestId);
        String thaw = onSnapshot(guest, name, new SnapshotChange(AuditAction.GUEST_SNAPSHOT_REVERT,
                "Reverting to snapshot",
                "revert to a snapshot", "reverted to snapshot"), snapshot -> {
                    if (snapshot.external() && !gateway.revertsExternalSnapshots(guest.hostId())) {
                        throw VirtdeckException.conflict("Snapshot '" + name + "' of '" + guest.name() + "' is"
                                + " external (its disks went on in overlay files), and the libvirt on host '"
                                + guest.hostName() + "' reverts external snapshots only from version 9.7 on. Until"
                                + " then the snapshot can be deleted, which keeps the guest as it is now and folds"
                                + " the overlays back into its disks.");
                    }
                },
                snapshot -> {
                    gateway.revertToSnapshot(guest.hostId(), guest.uuid(), name);
                    return "running".equals(snapshot.domainState()) && snapshot.withMemory()
                            ? thawAfterRevert(guest.name(), () -> agents.thawFileSystems(guest.hostId(), guest.uuid()),
                            THAW_WAIT, THAW_RETRY)
                            : null;
                });
        return new RevertedGuest(guests.findById(guestId).orElse(guest), thaw);
    }

    /**
     * Asks the guest agent to thaw ({@code ask}) after a revert brought back a running guest's memory: at once, then
     * every {@code retry} while it does not answer (it comes back with the memory), for at most {@code wait}. What came
     * of it, in words; null for a guest without an agent channel.
     */
    static String thawAfterRevert(String guestName, Supplier<GuestAgentGateway.Thaw> ask, Duration wait,
                                  Duration retry) {
        long deadline = System.nanoTime() + wait.toNanos();
        GuestAgentGateway.Thaw thaw;
        while (true) {
            thaw = ask.get();
            if (thaw.agent() != GuestAgentFacts.State.NOT_ANSWERING || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String howTo = "; thaw them with 'virsh domfsthaw " + guestName + "' once its guest agent answers";
        return switch (thaw.agent()) {
            case NOT_CONFIGURED -> null;
            case NOT_RUNNING -> "the guest does not run after the revert: if the snapshot held file systems frozen,"
                    + " they are frozen again when it resumes" + howTo;
            case NOT_ANSWERING -> "no guest agent answered within " + wait.toSeconds() + " s (" + thaw.problem()
                    + "): if the snapshot was taken with file systems frozen, they may still be frozen" + howTo;
            case ANSWERING -> thaw.problem() != null
                    ? "thawing through the guest agent failed (" + thaw.problem() + "): file systems may still be"
                    + " frozen" + howTo
                    : thaw.thawed() > 0 ? "file systems thawed (" + thaw.thawed() + ") by the guest agent after the"
                    + " revert"
                    : "the guest agent answered after the revert: no file system frozen";
        };
    }

    /** Deletes the snapshot; the guest itself is untouched, and the snapshot's children move up to its parent. */
    public SnapshotTree delete(long guestId, String name) {
        Guest guest = guests.require(guestId);
        onSnapshot(guest, name, new SnapshotChange(AuditAction.GUEST_SNAPSHOT_DELETE, "Deleting snapshot",
                "delete a snapshot", "deleted snapshot"), snapshot -> { },
                snapshot -> {
                    gateway.deleteSnapshot(guest.hostId(), guest.uuid(), name);
                    return null;
                });
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
     * what this change cannot do to that snapshot. {@code act} returns what else there is to say, or null; it is
     * audited with the change and returned.
     */
    private String onSnapshot(Guest guest, String name, SnapshotChange change, Consumer<SnapshotTree.Node> check,
                              Function<SnapshotTree.Node, String> act) {
        AtomicReference<SnapshotTree.Node> found = new AtomicReference<>();
        return plans.explaining(guest, change.action(), e -> SnapshotRefusals.explain(guest, change.doing() + " '"
                        + name + "'", e))
                .check(plans.live(guest, live -> {
                    requireSettled(guest, live, change.refusedWhat());
                    found.set(requireSnapshot(guest, name));
                    check.accept(found.get());
                }))
                .run(() -> {
                    String said = act.apply(found.get());
                    return Done.of(said, change.done() + " '" + name + "'" + (said == null ? "" : "; " + said));
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
