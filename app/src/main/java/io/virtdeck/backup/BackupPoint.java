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
 * @param verification how the last verified restore of it went; null when none was made
 */
public record BackupPoint(long id, long chainId, int seq, State state, String checkpoint, Long taskId,
                          long storeId, UUID guestUuid, String guestName, long hostId, String fullReason,
                          boolean startedPaused, int frozen, String freezeNote, Long bytesCopied, String failure,
                          Instant startedAt, Instant finishedAt, List<Disk> disks, Verification verification) {

    public enum State { RUNNING, COMPLETE, FAILED }

    public boolean full() {
        return seq == 0;
    }

    /** A restore of the point booted on an isolated network and checked for a sign of life. */
    public record Verification(boolean passed, String detail, Instant at) {
    }

    /** One disk of the point: its source in the guest's definition and its volume in the store's pool. */
    public record Disk(String disk, String source, String volume, long capacityBytes) {
    }
}
