package io.virtdeck.backup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One backup of a guest: the whole of its disks as they were when it began, readable through its chain (the full
 * backup, seq 0, and the incrementals up to this one).
 *
 * @param fullReason why it is a full backup; null for an incremental one
 * @param bytesCopied what the backup copied (an incremental one: the changed blocks only)
 */
public record BackupPoint(long id, long chainId, int seq, State state, String checkpoint, Long taskId,
                          long storeId, UUID guestUuid, String guestName, long hostId, String fullReason,
                          boolean startedPaused, int frozen, String freezeNote, Long bytesCopied, String failure,
                          Instant startedAt, Instant finishedAt, List<Disk> disks) {

    public enum State { RUNNING, COMPLETE, FAILED }

    public boolean full() {
        return seq == 0;
    }

    /** One disk of the point: its source in the guest's definition and its volume in the store's pool. */
    public record Disk(String disk, String source, String volume, long capacityBytes) {
    }
}
