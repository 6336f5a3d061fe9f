package io.virtdeck.metrics;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** One point of a series: the bucket's start and the average rates in it. */
public record MetricPoint(Instant at, @JsonUnwrapped MetricValues values) {
}
