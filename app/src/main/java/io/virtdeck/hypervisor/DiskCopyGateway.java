package io.virtdeck.hypervisor;

import java.util.Optional;
import java.util.UUID;

/**
 * Moving a running domain's disk to another volume while the guest goes on using it: libvirt's block copy mirrors the
 * disk into the volume, keeps mirroring the guest's new writes, and on {@link #pivot} the guest switches over to it.
 * A shut-off domain's disk is copied as a volume and its definition then {@link #pointDiskAt pointed} at the copy.
 */
public interface DiskCopyGateway {

    /**
     * Starts copying the disk at {@code target} into {@code pool}/{@code volume}, made beforehand of the disk's size,
     * written in {@code format}, at most {@code bytesPerSecond} (0: as fast as the storage goes).
     */
    void startCopy(long hostId, UUID uuid, String target, String pool, String volume, String format,
                   long bytesPerSecond);

    /** How far the copy at {@code target} got; empty when the disk has no copy running. */
    Optional<DiskCopyProgress> copyProgress(long hostId, UUID uuid, String target);

    /**
     * Switches the disk over to its copy, once the copy caught up ({@link DiskCopyProgress#ready()}); libvirt then points
     * the domain's definition at the copy too.
     */
    void pivot(long hostId, UUID uuid, String target);

    /** Stops the copy at {@code target}: the disk stays where it was; the copy's volume is left to its maker. */
    void abortCopy(long hostId, UUID uuid, String target);

    /**
     * Points the disk at {@code target} of a shut-off domain's definition at {@code pool}/{@code volume}, a copy of its
     * volume made beforehand. Refused (INVALID_STATE) when the domain runs: it may have written to the old volume
     * since the copy began, and a running domain's disk is moved by {@link #startCopy}.
     */
    void pointDiskAt(long hostId, UUID uuid, String target, String pool, String volume);

    /**
     * Which domain of the host holds {@code pool}/{@code volume}: a disk of it reads the volume (a running domain's
     * disks as they are now, a shut-off one's definition), or a copy of a disk writes into it. Empty when none does.
     */
    Optional<DiskUse> useOf(long hostId, String pool, String volume);
}
