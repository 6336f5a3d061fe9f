package io.virtdeck.alerts.targets;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The waits between attempts at a delivery: the first retry, doubled each time, never past the longest wait. */
class AlertTargetPropertiesTest {

    @Test
    void theWaitDoublesUpToTheLongest() {
        AlertTargetProperties properties = new AlertTargetProperties(Duration.ofSeconds(5), 8, Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofSeconds(15), Duration.ofSeconds(5));
        assertThat(properties.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(properties.backoff(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(properties.backoff(400)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void atLeastOneAttempt() {
        assertThatThrownBy(() -> new AlertTargetProperties(Duration.ofSeconds(5), 0, Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofSeconds(15), Duration.ofSeconds(5)))
                .hasMessageContaining("max-attempts");
    }
}
