package io.virtdeck.hypervisor;

/**
 * A running migration job as libvirt reports it (virDomainGetJobStats). Byte counts cover memory and, when storage
 * is copied, disks.
 *
 * @param expectedDowntimeMs what libvirt expects the switch-over pause to be, or -1 when it does not say
 * @param iteration          which pass over guest memory this is (1 = the first full copy)
 */
public record MigrationProgress(long elapsedMs, long totalBytes, long processedBytes, long remainingBytes,
                                long bytesPerSecond, long iteration, long expectedDowntimeMs) {

    /** How far the copy got, 0-99: the last percent belongs to the switch-over. */
    public int percent() {
        if (totalBytes <= 0) {
            return 0;
        }
        return (int) Math.min(99, Math.max(0, (totalBytes - remainingBytes) * 100 / totalBytes));
    }
}
