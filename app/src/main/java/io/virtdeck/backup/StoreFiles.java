package io.virtdeck.backup;

import java.util.List;
import java.util.function.LongConsumer;

import io.virtdeck.hypervisor.VolumeTransfer;

/**
 * The files of a backup store, wherever they are: volumes of a host's pool, or files in a directory on the Virtdeck
 * server. Each point's file is named by {@link BackupChains#volumeName}; an incremental one names its base by that
 * name alone, so a chain is whole wherever its files sit together.
 */
interface StoreFiles {

    /** Whether libvirt on this host reads and writes the store's files itself (the store is the host's pool). */
    boolean reachedBy(long hostId);

    /** The pool a host reaching the store sees it as (see {@link #reachedBy}). */
    String pool();

    /** Streams a host's volume into the store as {@code name}; a failure leaves a partial file for the caller. */
    void receive(VolumeTransfer.Location from, String name, long bytes, LongConsumer progress)
            throws InterruptedException;

    /**
     * Streams the store's file {@code name} into a new volume of the same name in a host's pool (which a failure
     * leaves for the caller to delete).
     */
    void send(String name, long hostId, String pool, LongConsumer progress) throws InterruptedException;

    /** The size of the store's file, as it would stream. */
    long bytes(String name);

    /** Deletes those of the files that are there; returns those it could not delete (empty when all went). */
    List<String> delete(List<String> names);

    /** Free and total space, in MiB; null each where it cannot be told now (a host away). */
    Space space();

    record Space(Long capacityMiB, Long availableMiB) {
    }
}
