package io.virtdeck.alerts.targets;

import java.time.Duration;

import org.springframework.stereotype.Component;

/** Sends one message to a target by its kind, with its secret decrypted for that moment only. */
@Component
class AlertDispatch {

    private final AlertTargetRepository targets;
    private final MailChannel mail;
    private final WebhookChannel webhooks;

    AlertDispatch(AlertTargetRepository targets, MailChannel mail, WebhookChannel webhooks) {
        this.targets = targets;
        this.mail = mail;
        this.webhooks = webhooks;
    }

    /** The receiver's acceptance in plain words; throws what went wrong in plain words. */
    String send(AlertTarget target, OutgoingAlert alert, Duration timeout) throws DeliveryFailure {
        String secret;
        try {
            secret = targets.secret(target.id());
        } catch (IllegalStateException e) {
            throw new DeliveryFailure(e.getMessage());
        }
        try {
            return target.kind() == AlertTarget.Kind.MAIL ? mail.send(target, secret, alert, timeout)
                    : webhooks.send(target, secret, alert, timeout);
        } catch (RuntimeException e) {
            // a damaged stored setting: a failed attempt like any other, never a delivery stuck in a loop
            throw new DeliveryFailure("Virtdeck could not send it: " + e.getMessage());
        }
    }
}
