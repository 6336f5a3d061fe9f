package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage pools and their volumes. A call that makes, copies, grows or deletes a volume publishes
 * {@link PoolVolumesChanged}.
 */
public interface StorageGateway {

    /** Every storage pool of the host, active or not. */
    List<PoolFacts> pools(long hostId);

    /**
     * Defines a pool, builds it when asked (a directory pool's directory, an LVM pool's volume group), starts it and
     * sets it to start with libvirt; a pool that cannot start is stopped and undefined again.
     */
    PoolFacts createPool(long hostId, PoolSpec spec, boolean build);

    /** Builds, starts, stops, refreshes a pool or sets whether it starts with libvirt. */
    void poolAction(long hostId, String name, PoolAction action);

    /**
     * Stops the pool (if it runs) and undefines it. With {@code removeEmptyDirectory}, libvirt's pool-delete first
     * removes its target directory when that is empty; volumes' files and data are never touched.
     */
    void deletePool(long hostId, String name, boolean removeEmptyDirectory);

    /** The volumes of a pool, after asking the pool to look again (files put there by hand show up). */
    List<VolumeFacts> volumes(long hostId, String pool);

    /** One volume of a pool, without refreshing the pool (cheap enough to poll); empty when there is none. */
    Optional<VolumeFacts> volume(long hostId, String pool, String name);

    /**
     * When the volume's file was last written (its {@code <timestamps><mtime>}), read afresh from the host's storage.
     * The pool is refreshed first when it does not list the volume yet (a file another host made). Empty when the pool
     * holds no such volume; fails when the host has no such pool, it is not running, or it keeps no times of its
     * volumes (a test driver's pool).
     */
    Optional<Instant> volumeWrittenAt(long hostId, String pool, String volume);

    /** The volume behind a disk's source (a path, or "pool/volume"); empty when no pool of the host holds it. */
    Optional<PooledVolume> diskVolume(long hostId, String source);

    /** The file a qcow2 volume is an overlay of (its backing file); empty for a volume that stands alone. */
    Optional<String> volumeBackingFile(long hostId, String pool, String volume);

    VolumeFacts createVolume(long hostId, String pool, NewVolume volume);

    /**
     * Copies a volume in full into a new volume of the same pool, same format and capacity. Blocks until the copy is
     * done, without the call timeout; the new volume's allocation grows while it runs.
     */
    default VolumeFacts copyVolume(long hostId, String pool, String source, String name) {
        return copyVolume(hostId, pool, source, pool, name);
    }

    /**
     * Copies a volume in full into a new volume {@code name} of pool {@code toPool} of the same host (libvirt converts
     * between the pools' kinds of storage), same format and capacity. Blocks as {@link #copyVolume(long, String,
     * String, String)}.
     */
    VolumeFacts copyVolume(long hostId, String fromPool, String source, String toPool, String name);

    /** Grows a volume to {@code capacityMiB} (libvirt refuses to shrink without being told to; Virtdeck never does). */
    VolumeFacts resizeVolume(long hostId, String pool, String name, long capacityMiB);

    /** A linked clone of a volume: a new qcow2 volume in the same pool whose backing file is {@code source}. */
    VolumeFacts linkVolume(long hostId, String pool, String source, String name);

    void deleteVolume(long hostId, String pool, String volume);
}
