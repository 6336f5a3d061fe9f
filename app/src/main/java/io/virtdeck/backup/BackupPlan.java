package io.virtdeck.backup;

import java.util.List;

import io.virtdeck.inventory.Guest;

/**
 * What a backup run will do, decided before its task starts.
 *
 * @param base the point an incremental backup continues from; null for a full backup
 * @param fullReason why it is a full backup; null for an incremental one
 * @param disks each disk with its source and capacity now; the volumes are named once the point has its id
 * @param stagingPool where on the guest's host libvirt writes the backup before Virtdeck streams it to a store on
 *                    another host; null when libvirt writes into the store's pool itself (the store is on the guest's
 *                    host, or its pool is storage the guest's host shares)
 */
record BackupPlan(Guest guest, BackupStore store, BackupPoint base, String fullReason, List<BackupPoint.Disk> disks,
                  String definition, boolean quiesce, String stagingPool) {

    boolean incremental() {
        return base != null;
    }

    boolean staged() {
        return stagingPool != null;
    }

    /** The pool, on the guest's host, that libvirt writes the backup into. */
    String writePool() {
        return staged() ? stagingPool : store.pool();
    }
}
