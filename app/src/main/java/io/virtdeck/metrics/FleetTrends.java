package io.virtdeck.metrics;

import java.time.Instant;
import java.util.List;

/**
 * The fleet's CPU (cores busy, summed over hosts) and memory in use (MiB) over a range, from the hosts' own samples:
 * 24 h from the 5 min tier, 30 days from the 1 h tier.
 */
public record FleetTrends(String range, String tier, List<Point> points) {

    public record Point(Instant at, Double cpu, Double memoryMiB) {
    }
}
