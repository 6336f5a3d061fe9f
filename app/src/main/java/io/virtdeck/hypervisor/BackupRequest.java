package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A push-mode backup of a domain's disks into volumes of a pool on the domain's own host.
 *
 * @param incrementalFrom the checkpoint whose changes since are backed up; null for a full backup
 * @param checkpoint the checkpoint created as the backup begins, from which the next incremental starts
 * @param quiesce freeze the guest's file systems for the moment of the checkpoint where its guest agent answers
 */
public record BackupRequest(String pool, List<BackupTarget> targets, String incrementalFrom, String checkpoint,
                            boolean quiesce) {

    public boolean incremental() {
        return incrementalFrom != null;
    }
}
