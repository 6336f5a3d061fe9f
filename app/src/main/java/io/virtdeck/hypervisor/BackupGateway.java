package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Backups of domains through libvirt's backup API: push-mode backups into volumes of a pool on the domain's host,
 * checkpoints (a dirty bitmap per qcow2 disk) from which the next backup copies only the changed blocks, and the
 * volumes and definitions a restore makes. libvirt backs up running domains only: a shut-off one is started paused
 * for the backup and stopped after it.
 */
public interface BackupGateway {

    /** The domain's checkpoints, in no particular order. */
    List<CheckpointFacts> checkpoints(long hostId, UUID uuid);

    /**
     * Deletes a checkpoint and its bitmaps. libvirt does this on a running (or paused) domain only
     * ({@link io.virtdeck.core.HypervisorException.Kind#UNSUPPORTED} otherwise).
     */
    void deleteCheckpoint(long hostId, UUID uuid, String name);

    /** The domain's persistent definition, kept with a backup to restore it from. */
    String definition(long hostId, UUID uuid);

    /** The capacity in bytes of the volume behind a disk's source (a path, or "pool/volume"). */
    long diskBytes(long hostId, String source);

    /**
     * Makes the request's target volumes, starts a shut-off domain paused, freezes the guest's file systems when asked
     * (going on without when no guest agent answers), and begins the backup with its checkpoint; thaws at once. A
     * failure takes back the volumes made and stops a domain it started. The backup runs on in libvirt: follow it
     * with {@link #backupJob}. No call timeout (a paused start takes what it takes).
     */
    BackupStarted beginBackup(long hostId, UUID uuid, BackupRequest request);

    /**
     * Makes one backup target in a pool: an empty qcow2 of {@code capacityBytes} for a full backup, or an overlay
     * whose backing file is {@code target.base()} by name, which must be in the same pool (a stand-in of the same size
     * will do where the real base lives in a store on another host: only its name goes into the overlay).
     */
    VolumeFacts createTarget(long hostId, String pool, BackupTarget target, long capacityBytes);

    /** The domain's backup job: running, or how the last one ended; NONE when libvirt knows of none. */
    BackupProgress backupJob(long hostId, UUID uuid);

    /** Aborts the domain's running backup job; libvirt then removes nothing: the caller deletes the targets. */
    void abortBackup(long hostId, UUID uuid);

    /** Stops (destroys) a domain {@link #beginBackup} started paused; nothing happens when it is not running. */
    void stopPaused(long hostId, UUID uuid);

    /**
     * A standalone copy of a backup's volume (read through its backing chain: the whole disk as it was at that point)
     * as a new volume {@code name} of {@code toPool}, in qcow2. Blocks until copied; no call timeout.
     */
    VolumeFacts restoreVolume(long hostId, String fromPool, String fromVolume, String toPool, String name);

    /**
     * Defines a new domain from a kept definition: new name and UUID, no MAC addresses (libvirt gives new ones), and
     * each disk whose source is a key of {@code disks} pointing at its restored volume.
     */
    void defineRestored(long hostId, String definition, String name, UUID uuid, Map<String, PooledVolume> disks);

    /**
     * Points the shut-off domain's disks whose source is a key of {@code disks} at their restored volumes, in its
     * definition, and forgets its checkpoints (their bitmaps were in the disks replaced; libvirt deletes checkpoint
     * metadata of a shut-off domain only).
     */
    void replaceDisks(long hostId, UUID uuid, Map<String, PooledVolume> disks);

    /**
     * Defines a temporary guest to check a restore: as {@link #defineRestored}, with every NIC on {@code network}
     * (isolated), which is defined and started on the host first when it has none of that name.
     */
    void defineIsolated(long hostId, String definition, String name, UUID uuid, Map<String, PooledVolume> disks,
                        String network);

    /**
     * Reads the running domain's first serial console until {@code text} shows or {@code limit} passes; returns
     * what it showed, or null when the text did not show.
     */
    String serialShows(long hostId, UUID uuid, String text, Duration limit);

    /** Whether the domain's guest agent answers a ping within {@code seconds}. */
    boolean agentAnswers(long hostId, UUID uuid, int seconds);

    /** Stops and undefines a temporary domain (its volumes are the caller's to delete). */
    void removeDomain(long hostId, UUID uuid);
}
