package io.virtdeck.alerts.targets;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import io.virtdeck.ThreadPools;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.core.DatabaseOutage;

/**
 * Works through the outbox on every instance: claims one due delivery at a time (locked while it is sent, so that two
 * instances never send one twice), sends it, marks it SENT; a failed attempt is tried again after a wait that doubles
 * each time, and after the last attempt the delivery is FAILED with the last error in plain words, which the targets
 * page and API show, the log warns of and the audit log records.
 */
@Component
class AlertSender implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AlertSender.class);

    private final AlertOutbox outbox;
    private final AlertTargetRepository targets;
    private final AlertDispatch dispatch;
    private final AlertTargetProperties properties;
    private final TransactionTemplate transaction;
    private final AuditLog audit;
    private final ThreadPoolTaskScheduler scheduler;

    AlertSender(AlertOutbox outbox, AlertTargetRepository targets, AlertDispatch dispatch,
                AlertTargetProperties properties, TransactionTemplate transaction, AuditLog audit,
                @Qualifier(ThreadPools.ALERT_DELIVERY) ThreadPoolTaskScheduler scheduler) {
        this.outbox = outbox;
        this.targets = targets;
        this.dispatch = dispatch;
        this.properties = properties;
        this.transaction = transaction;
        this.audit = audit;
        this.scheduler = scheduler;
    }

    @Override
    public void run(ApplicationArguments args) {
        Duration poll = properties.poll();
        scheduler.scheduleWithFixedDelay(this::sendDue, Instant.now().plus(poll), poll);
    }

    /** Sends every delivery due now, one after the other; those another instance holds are left to it. */
    void sendDue() {
        try {
            while (sendNext()) {
                // on to the next one due
            }
        } catch (RuntimeException e) {
            if (DatabaseOutage.causedBy(e)) {
                log.debug("alert deliveries wait for the database: {}", e.getMessage());
            } else {
                log.error("sending alerts failed", e);
            }
        }
    }

    /** Claims, attempts and records one due delivery; false when none is due. */
    boolean sendNext() {
        Optional<Given> given = transaction.execute(status -> outbox.claim().map(this::attempt));
        given.filter(Given::up).ifPresent(this::report);
        return given.isPresent();
    }

    private Given attempt(AlertOutbox.Due due) {
        int attempts = due.attempts() + 1;
        Optional<AlertTarget> target = targets.find(due.targetId());
        if (target.isEmpty()) {
            return new Given(due, null, attempts, null, false); // deleted meanwhile: its deliveries went with it
        }
        try {
            dispatch.send(target.get(), new OutgoingAlert(due.id(), due.subject(), due.message()), properties.timeout());
            outbox.sent(due.id(), attempts);
            return new Given(due, target.get(), attempts, null, false);
        } catch (DeliveryFailure e) {
            if (attempts >= properties.maxAttempts()) {
                outbox.failed(due.id(), attempts, e.getMessage());
                return new Given(due, target.get(), attempts, e.getMessage(), true);
            }
            Duration wait = properties.backoff(attempts);
            log.info("alert '{}' to target '{}' not sent (attempt {} of {}, next in {}): {}", due.subject(),
                    target.get().name(), attempts, properties.maxAttempts(), wait, e.getMessage());
            outbox.retryAfter(due.id(), attempts, e.getMessage(), wait);
            return new Given(due, target.get(), attempts, e.getMessage(), false);
        }
    }

    /** After the transaction: a delivery given up is logged and audited. */
    private void report(Given given) {
        log.warn("alert '{}' to target '{}' FAILED after {} attempts: {}", given.due().subject(),
                given.target().name(), given.attempts(), given.error());
        audit.event(AuditAction.ALERT_DELIVERY_FAILED, AlertTargetService.subject(given.target()),
                "'" + given.due().subject() + "' not sent after " + given.attempts() + " attempts: " + given.error());
    }

    /** How an attempt went; {@code up}: given up, FAILED. */
    private record Given(AlertOutbox.Due due, AlertTarget target, int attempts, String error, boolean up) {
    }
}
