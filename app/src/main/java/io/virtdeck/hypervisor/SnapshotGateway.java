package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * Snapshots of domains.
 */
public interface SnapshotGateway {

    /** The domain's snapshots, in no particular order; each names its parent. */
    List<SnapshotFacts> snapshots(long hostId, UUID uuid);

    /**
     * Takes a snapshot of the domain as it is now. INTERNAL: disks and memory when it runs or is paused, disks alone
     * when it is shut off. External: a qcow2 overlay per disk, and the memory in a file beside the first disk when
     * asked. No call timeout: saving a large memory takes as long as it takes.
     * <p>
     * With {@code freeze}, for a running domain: when its guest agent answers the short question first, the guest's
     * file systems are frozen (virDomainFSFreeze) right before the snapshot and thawed (virDomainFSThaw) right after,
     * whatever the snapshot's outcome; a silent agent costs that one short wait and the snapshot is taken unfrozen,
     * the answer saying why. libvirt's own QUIESCE flag is not used: it takes only disk-only snapshots, and a running
     * domain's internal snapshot always holds its memory.
     */
    SnapshotTaken createSnapshot(long hostId, UUID uuid, String name, String description, SnapshotKind kind,
                                 boolean freeze);

    /** Whether the host's libvirt can revert to an external snapshot (9.7 and later). */
    boolean revertsExternalSnapshots(long hostId);

    /** Puts the domain back to the snapshot: its present state is lost. No call timeout (a memory is loaded). */
    void revertToSnapshot(long hostId, UUID uuid, String name);

    /** Deletes the snapshot; its children, if any, become children of its parent. */
    void deleteSnapshot(long hostId, UUID uuid, String name);
}
