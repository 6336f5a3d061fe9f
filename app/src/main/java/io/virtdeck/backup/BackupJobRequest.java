package io.virtdeck.backup;

/**
 * A new scheduled backup.
 *
 * @param scope guest, host or all (every guest of every host; a store elsewhere than a guest's host receives its
 *              backup through Virtdeck)
 * @param schedule a cron expression in the server's time zone, e.g. "30 2 * * *" (every day at 02:30)
 * @param verify a verified restore after each backup, with this sign of life; none when left out
 */
public record BackupJobRequest(String name, String scope, Long guestId, Long hostId, Long storeId, String schedule,
                               Retention retention, VerifyRequest verify) {
}
