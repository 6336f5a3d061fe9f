package io.virtdeck.inventory;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.DomainRunState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Large totals are remembered briefly and said to be so; small ones are counted every time. */
class GuestCountsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final GuestCounts counts = new GuestCounts(nanos::get);
    private final AtomicInteger counted = new AtomicInteger();

    private GuestCounts.Total total(GuestFilter filter, Visible visible, long rows) {
        return counts.total(filter, visible, () -> {
            counted.incrementAndGet();
            return rows;
        });
    }

    @Test
    void aLargeTotalIsCountedOnceThenRememberedAndLabelledSo() {
        GuestFilter all = new GuestFilter(null, null, null);
        assertThat(total(all, Visible.EVERYTHING, 50_000)).isEqualTo(new GuestCounts.Total(50_000, true));
        assertThat(total(all, Visible.EVERYTHING, 50_001)).isEqualTo(new GuestCounts.Total(50_000, false));
        assertThat(counted).hasValue(1);
        // another filter, or the same filter for someone who sees less, is a count of its own
        assertThat(total(new GuestFilter(null, DomainRunState.RUNNING, null), Visible.EVERYTHING, 38_000).exact())
                .isTrue();
        assertThat(total(all, new Visible(false, List.of(1L), List.of()), 50).exact()).isTrue();
        assertThat(counted).hasValue(3);
    }

    @Test
    void aThousandGuestsOfOneTagAreCountedOnceThenRemembered() {
        // one customer's thousand guests are spread over the table: counting them reads a thousand pages
        GuestFilter customer = new GuestFilter(null, null, null, List.of("customer-7"));
        total(customer, Visible.EVERYTHING, 1_000);
        assertThat(total(customer, Visible.EVERYTHING, 1_001)).isEqualTo(new GuestCounts.Total(1_000, false));
        assertThat(counted).hasValue(1);
    }

    @Test
    void aSmallTotalIsCountedEveryTime() {
        GuestFilter oneHost = new GuestFilter(7L, null, null);
        total(oneHost, Visible.EVERYTHING, GuestCounts.REMEMBER_FROM - 1);
        assertThat(total(oneHost, Visible.EVERYTHING, 49)).isEqualTo(new GuestCounts.Total(49, true));
        assertThat(counted).hasValue(2);
    }

    @Test
    void aRememberedTotalIsCountedAgainOnceItsTimeIsUp() {
        GuestFilter all = new GuestFilter(null, null, null);
        total(all, Visible.EVERYTHING, 50_000);
        nanos.addAndGet(GuestCounts.TTL.toNanos() - 1);
        assertThat(total(all, Visible.EVERYTHING, 50_001)).isEqualTo(new GuestCounts.Total(50_000, false));
        nanos.addAndGet(1);
        assertThat(total(all, Visible.EVERYTHING, 50_002)).isEqualTo(new GuestCounts.Total(50_002, true));
        assertThat(counted).hasValue(2);
    }
}
