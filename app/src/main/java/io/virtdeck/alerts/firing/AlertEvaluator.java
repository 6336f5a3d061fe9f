package io.virtdeck.alerts.firing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import io.virtdeck.alerts.rules.AlertRule;
import io.virtdeck.alerts.rules.AlertRules;
import io.virtdeck.alerts.targets.AlertQueue;
import io.virtdeck.core.DatabaseOutage;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every enabled rule on every instance (README: Alerts, {@code virtdeck.alerts.rules.interval}). A condition
 * that begins opens an alert, is sent again every repeat interval while it lasts (until acknowledged) and sends a
 * resolved message when it clears; an event opens an alert and is sent once. Each change and its messages are stored
 * in one transaction, and each message has a key of its own in the outbox ('alert:12:fired:1', 'alert:12:resolved'),
 * so that two instances evaluating at once send it once.
 */
@Component
class AlertEvaluator {

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

    private final AlertRules rules;
    private final AlertConditions conditions;
    private final AlertEvents events;
    private final AlertRepository alerts;
    private final AlertQueue queue;
    private final TransactionTemplate transaction;
    private final JsonMapper json;

    AlertEvaluator(AlertRules rules, AlertConditions conditions, AlertEvents events, AlertRepository alerts,
                   AlertQueue queue, TransactionTemplate transaction, JsonMapper json) {
        this.rules = rules;
        this.conditions = conditions;
        this.events = events;
        this.alerts = alerts;
        this.queue = queue;
        this.transaction = transaction;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${virtdeck.alerts.rules.interval:10s}",
            initialDelayString = "${virtdeck.alerts.rules.interval:10s}")
    void evaluate() {
        alerts.closeUnwatched();
        for (AlertRule rule : rules.enabled()) {
            try {
                if (rule.kind().event()) {
                    fireEvents(rule);
                } else {
                    checkCondition(rule);
                }
            } catch (RuntimeException e) {
                if (DatabaseOutage.causedBy(e)) {
                    throw e; // the round ends; the next one starts over
                }
                log.error("alert rule '{}' could not be evaluated", rule.name(), e);
            }
        }
    }

    private void checkCondition(AlertRule rule) {
        Map<String, Finding> now = conditions.matching(rule);
        Map<String, Alert> firing = new LinkedHashMap<>();
        alerts.firing(rule.id()).forEach(a -> firing.put(a.subjectKey(), a));
        for (Finding finding : now.values()) {
            Alert open = firing.get(finding.key());
            if (open == null) {
                transaction.executeWithoutResult(s -> alerts.open(rule, finding).ifPresent(id ->
                        send(rule, id, "fired:1", "FIRING", finding.text(), finding.text(), finding.link())));
            } else if (rule.repeat() != null) {
                transaction.executeWithoutResult(s -> alerts.repeat(open, rule.repeat().toSeconds(), finding.text())
                        .ifPresent(n -> send(rule, open.id(), "fired:" + n, "FIRING",
                                finding.text() + " (still, message " + n + ")", finding.text(), finding.link())));
            }
        }
        for (Alert open : firing.values()) {
            if (!now.containsKey(open.subjectKey())) {
                String text = AlertWords.resolved(rule, open.subject());
                transaction.executeWithoutResult(s -> {
                    if (alerts.resolve(open.id(), text)) {
                        send(rule, open.id(), "resolved", "RESOLVED", text, text, open.link());
                    }
                });
            }
        }
    }

    private void fireEvents(AlertRule rule) {
        AlertEvents.Read read = events.since(rule);
        transaction.executeWithoutResult(s -> {
            for (Finding event : read.events()) {
                alerts.open(rule, event).ifPresent(id ->
                        send(rule, id, "fired:1", "FIRING", event.text(), event.text(), event.link()));
            }
            rules.advance(rule.id(), read.seenAuditId(), read.seenUntil());
        });
    }

    /** Queues one message for the rule's targets, under a key of its own ('alert:12:fired:2'). */
    private void send(AlertRule rule, long alertId, String which, String state, String subjectLine, String text,
                      String link) {
        String subject = (state.equals("RESOLVED") ? "RESOLVED" : rule.severity().name()) + ": " + subjectLine;
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("alert", alertId);
        message.put("rule", rule.name());
        message.put("severity", rule.severity().name());
        message.put("state", state);
        message.put("subject", subject);
        message.put("text", text);
        message.put("object", link);
        message.put("at", Instant.now().toString());
        queue.add(rule.targetIds(), "alert:" + alertId + ":" + which, subject, json.writeValueAsString(message));
    }
}
