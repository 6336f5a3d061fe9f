package io.virtdeck.alerts.rules;

import java.util.List;

/**
 * A rule as the API and pages show it (OpenAPI: alert rules).
 *
 * @param condition in plain words: "Pool fuller than 90 %"
 * @param event true when it fires once per event (closed by acknowledging); false for a condition that resolves
 * @param repeatMinutes null: sent once
 */
public record AlertRuleView(long id, String name, String kind, String condition, boolean event, String severity,
                            boolean enabled, Integer repeatMinutes, List<Target> targets, Integer percent, Integer days,
                            Double ratio, Integer minutes, String taskType, String guest) {

    public record Target(long id, String name) {
    }

    static AlertRuleView of(AlertRule rule, java.util.Map<Long, String> targetNames) {
        AlertRule.Parameters p = rule.parameters();
        return new AlertRuleView(rule.id(), rule.name(), rule.kind().name(), AlertRuleText.condition(rule),
                rule.kind().event(), rule.severity().name(), rule.enabled(),
                rule.repeat() == null ? null : (int) rule.repeat().toMinutes(),
                rule.targetIds().stream().map(id -> new Target(id, targetNames.getOrDefault(id, "#" + id))).toList(),
                p.percent(), p.days(), p.ratio(), p.minutes(), p.taskType(), p.guest());
    }
}
