package io.virtdeck.inventory;

import java.time.Duration;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.stereotype.Component;
import io.virtdeck.core.Visible;

/**
 * Totals of the guest list, remembered briefly when they are large: counting tens of thousands of matching rows costs
 * more than reading the page itself, and paging through a large list asks for the same total again and again. Small
 * totals are always counted (cheap, and there a stale number would show). A remembered total says so
 * ({@link Total#exact()} false).
 */
@Component
class GuestCounts {

    static final Duration TTL = Duration.ofSeconds(10);
    /**
     * From this many rows on, a count is worth remembering: counting a thousand guests of one tag reads a thousand
     * table pages (one per guest, as they are spread over the table), as costly as reading a page of the list.
     */
    static final long REMEMBER_FROM = 1_000;
    private static final int MAX_ENTRIES = 1_000;

    record Total(long count, boolean exact) {
    }

    private record Key(GuestFilter filter, Visible visible) {
    }

    private final Cache<Key, Long> remembered;

    GuestCounts() {
        this(Ticker.systemTicker());
    }

    /** With the clock the remembered totals age by (tests set their own). */
    GuestCounts(Ticker ticker) {
        this.remembered = Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(MAX_ENTRIES).ticker(ticker).build();
    }

    Total total(GuestFilter filter, Visible visible, LongSupplier count) {
        Key key = new Key(filter, visible);
        Long known = remembered.getIfPresent(key);
        if (known != null) {
            return new Total(known, false);
        }
        long counted = count.getAsLong();
        if (counted >= REMEMBER_FROM) {
            remembered.put(key, counted);
        } else {
            remembered.invalidate(key);
        }
        return new Total(counted, true);
    }
}
