package io.virtdeck.metrics;

/**
 * A guest among the busiest over the last minutes: its average {@code value} in the measure asked (cpu: cores busy;
 * memory: MiB; disk: bytes read and written per second; network: bytes in and out per second).
 */
public record TopGuest(long id, String name, String hostName, double value) {
}
