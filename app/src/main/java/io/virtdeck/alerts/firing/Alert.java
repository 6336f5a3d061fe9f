package io.virtdeck.alerts.firing;

import java.time.Instant;

/**
 * An alert as the API and pages show it (OpenAPI: alerts).
 *
 * @param ruleId null once its rule was deleted ({@code rule} keeps the name)
 * @param subjectKey what it is about, as a key: 'host:12', 'pool:3/images', 'audit:812', 'task:90'
 * @param subject what it is about, in words: "Host lab2"
 * @param text the message in plain words (the latest, for a condition repeated while it lasts)
 * @param link the page of what it is about; null when there is none
 * @param event true: one event, closed by acknowledging it; false: a condition, resolved when it clears
 * @param state FIRING or RESOLVED
 * @param fired the messages sent for it: the first and each repeat
 * @param resolvedText what the resolved message said (or why it was closed)
 */
public record Alert(long id, Long ruleId, String rule, String severity, String subjectKey, String subject, String text,
                    String link, boolean event, String state, int fired, Instant firstFiredAt, Instant lastFiredAt,
                    Instant resolvedAt, String resolvedText, String acknowledgedBy, Instant acknowledgedAt,
                    String acknowledgedNote) {

    public boolean acknowledged() {
        return acknowledgedAt != null;
    }
}
