package io.virtdeck.metrics;

import java.util.UUID;

import io.virtdeck.hypervisor.GuestCounters;
import io.virtdeck.hypervisor.HostCounters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RatesTest {

    private static final UUID GUEST = UUID.randomUUID();

    @Test
    void countersBecomeRatesPerSecondAndCpuTimeBecomesCoresBusy() {
        GuestCounters before = new GuestCounters(GUEST, 1_000_000_000L, 2048L, 1_000L, 2_000L, 10L, 20L, 500L, 600L);
        GuestCounters after = new GuestCounters(GUEST, 6_000_000_000L, 4096L, 11_000L, 2_000L, 30L, 25L, 2_500L, 1_600L);

        MetricValues rates = Rates.guest(before, after, 10.0);

        // 5 s of CPU in 10 s: half a core; memory is the newer level in MiB
        assertThat(rates).isEqualTo(new MetricValues(0.5, 4.0, 1_000.0, 0.0, 2.0, 0.5, 200.0, 100.0));
    }

    @Test
    void aCounterThatWentDownWasResetAndHasNoRateForThatInterval() {
        GuestCounters before = new GuestCounters(GUEST, 9_000_000_000L, 1024L, 5_000L, 5_000L, 50L, 50L, 900L, 900L);
        GuestCounters restarted = new GuestCounters(GUEST, 2_000_000_000L, 1024L, 100L, 6_000L, 1L, 60L, 10L, 950L);

        MetricValues rates = Rates.guest(before, restarted, 10.0);

        assertThat(rates).isEqualTo(new MetricValues(null, 1.0, null, 100.0, null, 1.0, null, 5.0));
    }

    @Test
    void unknownCountersStayUnknown() {
        GuestCounters before = new GuestCounters(GUEST, 0L, null, null, null, null, null, null, null);
        GuestCounters after = new GuestCounters(GUEST, 2_000_000_000L, null, null, null, null, null, null, null);

        assertThat(Rates.guest(before, after, 4.0))
                .isEqualTo(new MetricValues(0.5, null, null, null, null, null, null, null));
    }

    @Test
    void hostCpuIsCoresBusyAndMemoryTheUsedLevel() {
        HostCounters before = new HostCounters(10_000_000_000L, 80_000_000_000L, 8L << 20, 1L << 20);
        HostCounters after = new HostCounters(40_000_000_000L, 160_000_000_000L, 8L << 20, 2L << 20);

        assertThat(Rates.host(before, after, 10.0))
                .isEqualTo(new MetricValues(3.0, 2048.0, null, null, null, null, null, null));
    }
}
