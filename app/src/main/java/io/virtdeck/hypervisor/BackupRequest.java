package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A push-mode backup of a domain's disks into volumes of a pool on the domain's own host (the store's pool, or a
 * staging pool whose volumes Virtdeck then streams to a store on another host).
 *
 * @param incrementalFrom the checkpoint whose changes since are backed up; null for a full backup
 * @param checkpoint the checkpoint created as the backup begins, from which the next incremental starts
 * @param quiesce freeze the guest's file systems for the moment of the checkpoint where its guest agent answers
 * @param targetsMade the target volumes exist in the pool already (made by {@link BackupGateway#createTarget}, to be
 *                    filled and then streamed elsewhere); else the backup makes them and a failed begin deletes them
 */
public record BackupRequest(String pool, List<BackupTarget> targets, String incrementalFrom, String checkpoint,
                            boolean quiesce, boolean targetsMade) {

    public boolean incremental() {
        return incrementalFrom != null;
    }
}
