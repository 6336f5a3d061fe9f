package io.virtdeck.backup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.springframework.scheduling.support.CronExpression;
import io.virtdeck.core.VirtdeckException;

/**
 * When a job runs: a cron expression in the server's time zone, of five fields (minute hour day-of-month month
 * day-of-week, as crontab) or six (seconds first), or a macro such as {@code @daily}.
 */
final class BackupSchedule {

    private final String text;
    private final CronExpression cron;

    private BackupSchedule(String text, CronExpression cron) {
        this.text = text;
        this.cron = cron;
    }

    /** Refuses, naming the field "schedule", what is no cron expression or one that never fires. */
    static BackupSchedule parse(String text, Instant now, ZoneId zone) {
        if (text == null || text.isBlank()) {
            throw VirtdeckException.invalid("schedule", "schedule is required: a cron expression such as"
                    + " '30 2 * * *' (every day at 02:30).");
        }
        String trimmed = text.trim();
        String spring = trimmed.startsWith("@") || trimmed.split("\\s+").length != 5 ? trimmed : "0 " + trimmed;
        CronExpression cron;
        try {
            cron = CronExpression.parse(spring);
        } catch (IllegalArgumentException e) {
            throw VirtdeckException.invalid("schedule", "schedule '" + trimmed + "' is no cron expression: "
                    + e.getMessage() + ". Write minute hour day-of-month month day-of-week, e.g. '30 2 * * *'.");
        }
        BackupSchedule schedule = new BackupSchedule(trimmed, cron);
        if (schedule.next(now, zone) == null) {
            throw VirtdeckException.invalid("schedule", "schedule '" + trimmed + "' never fires (no such date).");
        }
        return schedule;
    }

    /** The first time after {@code after}; null when there is none. */
    Instant next(Instant after, ZoneId zone) {
        ZonedDateTime next = cron.next(after.atZone(zone));
        return next == null ? null : next.toInstant();
    }

    String text() {
        return text;
    }
}
