package io.virtdeck.alerts.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A rule as stored, for the evaluator.
 *
 * @param repeat how often a lasting condition is sent again; null: once
 * @param seenAuditId the event kinds have read audit_events up to this id
 * @param seenUntil the event kinds have read the tasks finished up to this time
 */
public record AlertRule(long id, String name, AlertRuleKind kind, Severity severity, Parameters parameters,
                        Duration repeat, boolean enabled, List<Long> targetIds, long seenAuditId, Instant seenUntil) {

    public enum Severity { INFO, WARNING, CRITICAL }

    /** The kind's settings; those the kind does not use are null. */
    public record Parameters(Integer percent, Integer days, Double ratio, Integer minutes, String taskType,
                             String guest) {

        static final Parameters NONE = new Parameters(null, null, null, null, null, null);
    }
}
