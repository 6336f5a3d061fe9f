package io.virtdeck.alerts.rules;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** A rule's condition in plain words, as the list, the form and the alerts' messages say it. */
public final class AlertRuleText {

    private AlertRuleText() {
    }

    /** "Pool fuller than 90 %", "Task guest.migrate failed", "Console opened on guest web1". */
    public static String condition(AlertRule rule) {
        AlertRule.Parameters p = rule.parameters();
        return switch (rule.kind()) {
            case POOL_ABOVE -> "Pool at or above " + p.percent() + " %";
            case POOL_FULL_WITHIN -> "Pool forecast full within " + p.days() + " days";
            case MEMORY_OVERCOMMIT -> "Host memory overcommitted above " + ratio(p.ratio());
            case VCPU_OVERCOMMIT -> "Host vCPUs overcommitted above " + ratio(p.ratio());
            case BACKUP_MISSED -> "Backup not started " + p.minutes() + " minutes after it was due";
            case TASK_FAILED -> "Task " + p.taskType() + " failed";
            case CONSOLE_OPENED -> "Console opened on guest " + p.guest();
            default -> rule.kind().label();
        };
    }

    /** A ratio as people write it: 1.5, 2, 1.25. */
    public static String ratio(double ratio) {
        return new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(ratio);
    }
}
