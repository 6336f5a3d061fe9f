package io.virtdeck.metrics;

import io.virtdeck.hypervisor.GuestCounters;
import io.virtdeck.hypervisor.HostCounters;

/**
 * Rates from two readings of cumulative counters taken {@code seconds} apart. A counter that went down was reset (the
 * guest restarted, the host rebooted): its rate for that interval is unknown (null) and the new reading is the next
 * baseline. Memory is a level, taken from the newer reading.
 */
final class Rates {

    private static final double NANOS = 1e9;

    private Rates() {
    }

    static MetricValues guest(GuestCounters before, GuestCounters now, double seconds) {
        return new MetricValues(
                perSecond(before.cpuTimeNs(), now.cpuTimeNs(), seconds * NANOS),
                mib(now.memoryKiB()),
                perSecond(before.diskReadBytes(), now.diskReadBytes(), seconds),
                perSecond(before.diskWriteBytes(), now.diskWriteBytes(), seconds),
                perSecond(before.diskReadOps(), now.diskReadOps(), seconds),
                perSecond(before.diskWriteOps(), now.diskWriteOps(), seconds),
                perSecond(before.netRxBytes(), now.netRxBytes(), seconds),
                perSecond(before.netTxBytes(), now.netTxBytes(), seconds));
    }

    static MetricValues host(HostCounters before, HostCounters now, double seconds) {
        return new MetricValues(perSecond(before.cpuBusyNs(), now.cpuBusyNs(), seconds * NANOS),
                mib(now.memoryUsedKiB()), null, null, null, null, null, null);
    }

    private static Double perSecond(Long before, Long now, double per) {
        if (before == null || now == null || now < before || per <= 0) {
            return null;
        }
        return (now - before) / per;
    }

    private static Double mib(Long kib) {
        return kib == null ? null : kib / 1024.0;
    }
}
