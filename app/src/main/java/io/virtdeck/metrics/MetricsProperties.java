package io.virtdeck.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Metrics sampling, history and capacity settings (README: Configuration).
 *
 * @param interval how often every connected host and its guests are sampled
 * @param samplerThreads hosts sampled at the same time (a slow host does not hold up the others)
 * @param poolsInterval how often every connected host's storage pools are read for the capacity dashboard
 * @param rollupInterval how often history is downsampled into the coarser tiers and expired
 * @param keep10s how long 10 s samples are kept
 * @param keep5m how long 5 min averages are kept
 * @param keep1h how long 1 h averages are kept
 * @param vcpuOvercommit vCPUs a host may carry per physical CPU when counting the room left
 * @param memoryOvercommit memory a host may promise per MiB it has when counting the room left
 */
@ConfigurationProperties("virtdeck.metrics")
public record MetricsProperties(
        @DefaultValue("10s") Duration interval,
        @DefaultValue("4") int samplerThreads,
        @DefaultValue("1m") Duration poolsInterval,
        @DefaultValue("1m") Duration rollupInterval,
        @DefaultValue("1d") Duration keep10s,
        @DefaultValue("30d") Duration keep5m,
        @DefaultValue("365d") Duration keep1h,
        @DefaultValue("4.0") double vcpuOvercommit,
        @DefaultValue("1.0") double memoryOvercommit) {
}
