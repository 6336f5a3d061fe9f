package io.virtdeck.metrics;

import java.time.Instant;
import java.util.List;

/**
 * OpenAPI metrics: one host's or guest's rates from {@code from} to {@code to}, averaged into {@code stepSeconds}
 * buckets, read from the history tier named by {@code tier} (10s, 5m, 1h). Buckets without samples are absent.
 */
public record MetricSeries(String objectType, long objectId, Instant from, Instant to, long stepSeconds, String tier,
                           List<MetricPoint> points) {
}
