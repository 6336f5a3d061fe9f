package io.virtdeck.alerts.targets;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sending alerts (README: Alerts).
 *
 * @param poll how often each instance looks for deliveries that are due
 * @param maxAttempts attempts at one delivery before it is given up as FAILED (and reported)
 * @param firstRetry the wait after the first failed attempt; it doubles after each further one
 * @param maxRetry the longest wait between two attempts
 * @param timeout how long one attempt may take to connect, and to get each answer
 * @param testTimeout the same for the "Send a test" button, which a person waits for
 */
@ConfigurationProperties("virtdeck.alerts.delivery")
public record AlertTargetProperties(@DefaultValue("5s") Duration poll, @DefaultValue("5") int maxAttempts,
                                    @DefaultValue("5s") Duration firstRetry, @DefaultValue("10m") Duration maxRetry,
                                    @DefaultValue("15s") Duration timeout, @DefaultValue("5s") Duration testTimeout) {

    public AlertTargetProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("virtdeck.alerts.delivery.max-attempts is at least 1");
        }
    }

    /** The wait after the {@code attempts}-th failed attempt: firstRetry, doubled each time, at most maxRetry. */
    Duration backoff(int attempts) {
        Duration wait = firstRetry;
        for (int i = 1; i < attempts && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }
}
