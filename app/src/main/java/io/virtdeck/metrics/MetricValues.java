package io.virtdeck.metrics;

/**
 * Rates over one interval (or their average over a bucket): cpu in cores busy (1.0 = one core all the time), memory
 * in MiB in use, disk and network in bytes and requests per second. Null: not known for this interval.
 */
public record MetricValues(Double cpu, Double memoryMiB, Double diskReadBps, Double diskWriteBps,
                           Double diskReadIops, Double diskWriteIops, Double netRxBps, Double netTxBps) {
}
