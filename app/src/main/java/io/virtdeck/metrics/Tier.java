package io.virtdeck.metrics;

import java.time.Duration;

/** The history tiers, finest first: each its own table, downsampled from the one before it. */
enum Tier {
    TEN_SECONDS("10s", "metrics_10s", Duration.ofSeconds(10)),
    FIVE_MINUTES("5m", "metrics_5m", Duration.ofMinutes(5)),
    ONE_HOUR("1h", "metrics_1h", Duration.ofHours(1));

    final String label;
    /** A constant, never user input: safe to put into SQL. */
    final String table;
    final Duration step;

    Tier(String label, String table, Duration step) {
        this.label = label;
        this.table = table;
        this.step = step;
    }

    Duration keep(MetricsProperties properties) {
        return switch (this) {
            case TEN_SECONDS -> properties.keep10s();
            case FIVE_MINUTES -> properties.keep5m();
            case ONE_HOUR -> properties.keep1h();
        };
    }
}
