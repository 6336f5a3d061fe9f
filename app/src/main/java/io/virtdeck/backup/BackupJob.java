package io.virtdeck.backup;

import java.time.Instant;
import java.util.List;

/**
 * A scheduled backup (OpenAPI: backup jobs).
 *
 * @param guestId the guest of a GUEST job; null otherwise
 * @param hostId the host of a HOST job; null otherwise
 * @param schedule a cron expression in the server's time zone ({@link #timeZone})
 * @param verify the verified restore made after each backup; null for none
 * @param lastRunTasks the backup tasks its latest run started, one per guest
 */
public record BackupJob(long id, String name, Scope scope, Long guestId, Long hostId, long storeId, String schedule,
                        String timeZone, Retention retention, VerifyRequest verify, Instant nextRunAt,
                        Instant lastRunAt, String lastResult, List<Long> lastRunTasks) {

    /** Which guests a job backs up: one, those of a host, or every guest of every host. */
    public enum Scope { GUEST, HOST, ALL }
}
