package io.virtdeck.alerts.firing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.virtdeck.alerts.rules.AlertRule;
import io.virtdeck.alerts.rules.AlertRuleText;

/** The words of alerts: times as people read them, and what is said when a condition clears. */
final class AlertWords {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_AND_CLOCK =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private AlertWords() {
    }

    /** "23:14 UTC" within the last day, "2026-12-05 23:14 UTC" before. */
    static String time(Instant at) {
        return at.isAfter(Instant.now().minus(Duration.ofHours(20))) ? CLOCK.format(at) : DAY_AND_CLOCK.format(at);
    }

    /** What the resolved message says about {@code subject} ("Host lab2") when the rule's condition cleared. */
    static String resolved(AlertRule rule, String subject) {
        AlertRule.Parameters p = rule.parameters();
        return switch (rule.kind()) {
            case HOST_LOST -> subject + " is back: it answers again";
            case GUEST_CRASHED -> subject + " is no longer crashed";
            case POOL_ABOVE -> subject + " is below " + p.percent() + " % again";
            case POOL_FULL_WITHIN -> subject + " is no longer forecast full within " + p.days() + " days";
            case MEMORY_OVERCOMMIT, VCPU_OVERCOMMIT -> subject + " is at or below " + AlertRuleText.ratio(p.ratio())
                    + " again";
            case HA_RESTART_IMPOSSIBLE -> subject + " no longer waits for its restart";
            case BACKUP_MISSED -> subject + " has started since";
            default -> subject + ": resolved";
        };
    }
}
