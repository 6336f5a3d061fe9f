package io.virtdeck.backup;

import java.util.List;

import io.virtdeck.inventory.Guest;

/**
 * What a backup run will do, decided before its task starts.
 *
 * @param base the point an incremental backup continues from; null for a full backup
 * @param fullReason why it is a full backup; null for an incremental one
 * @param disks each disk with its source and capacity now; the volumes are named once the point has its id
 */
record BackupPlan(Guest guest, BackupStore store, BackupPoint base, String fullReason, List<BackupPoint.Disk> disks,
                  String definition, boolean quiesce) {

    boolean incremental() {
        return base != null;
    }
}
