package io.virtdeck.alerts.rules;

import java.util.List;

/**
 * A rule as the API and the form send it (OpenAPI: alert rules). Only the parameters of its kind are read:
 * {@code percent} (POOL_ABOVE), {@code days} (POOL_FULL_WITHIN), {@code ratio} (MEMORY_OVERCOMMIT,
 * VCPU_OVERCOMMIT), {@code minutes} (BACKUP_MISSED), {@code taskType} (TASK_FAILED), {@code guest} (CONSOLE_OPENED).
 *
 * @param severity INFO, WARNING (when not given) or CRITICAL
 * @param enabled true when not given
 * @param repeatMinutes while a condition lasts, send it again this often; null or 0: once
 * @param targets the ids of the alert targets it is sent to (none: it is only shown on the Alerts page)
 */
public record AlertRuleRequest(String name, String kind, String severity, Boolean enabled, Integer repeatMinutes,
                               List<Long> targets, Integer percent, Integer days, Double ratio, Integer minutes,
                               String taskType, String guest) {
}
