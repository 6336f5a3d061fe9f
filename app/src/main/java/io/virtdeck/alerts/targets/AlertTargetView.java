package io.virtdeck.alerts.targets;

import java.time.Instant;
import java.util.List;

/**
 * A target as the API and pages show it (OpenAPI: alert targets): its settings, whether a secret is set (never the
 * secret), and how its last delivery went.
 *
 * @param passwordSet MAIL: whether an SMTP password is stored
 * @param keySet WEBHOOK: whether a signing key is stored
 * @param lastDelivery its most recent delivery; null when none was ever queued
 */
public record AlertTargetView(long id, String name, String kind, String host, Integer port, String security,
                              String username, boolean passwordSet, String from, List<String> to,
                              String caCertificate, String url, boolean keySet, LastDelivery lastDelivery) {

    /**
     * @param state PENDING (waiting for its first or next attempt), SENT or FAILED (given up)
     * @param error the last attempt's failure in plain words; null when none failed
     * @param queuedAt when the alert rules queued it
     * @param sentAt when it was sent; null until then
     * @param nextAttemptAt PENDING: when it is tried (again); null otherwise
     */
    public record LastDelivery(long id, String subject, String state, int attempts, String error, Instant queuedAt,
                               Instant sentAt, Instant nextAttemptAt) {
    }

    static AlertTargetView of(AlertTarget target, LastDelivery last) {
        AlertTarget.Mail mail = target.mail();
        boolean isMail = mail != null;
        return new AlertTargetView(target.id(), target.name(), target.kind().name(),
                isMail ? mail.host() : null, isMail ? mail.port() : null, isMail ? mail.security().name() : null,
                isMail ? mail.username() : null, isMail && target.secretSet(), isMail ? mail.from() : null,
                isMail ? mail.to() : null, isMail ? mail.caCertificate() : null,
                isMail ? null : target.webhook().url(), !isMail && target.secretSet(), last);
    }
}
