package io.virtdeck.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.springframework.stereotype.Component;
import io.virtdeck.security.Visible;

/**
 * Totals of the guest list, remembered briefly when they are large: counting tens of thousands of matching rows costs
 * more than reading the page itself, and paging through a large list asks for the same total again and again. Small
 * totals are always counted (cheap, and there a stale number would show). A remembered total says so
 * ({@link Total#exact()} false).
 */
@Component
class GuestCounts {

    static final Duration TTL = Duration.ofSeconds(10);
    /** From this many rows on, a count is worth remembering. */
    static final long REMEMBER_FROM = 5_000;
    private static final int MAX_ENTRIES = 1_000;

    record Total(long count, boolean exact) {
    }

    private record Key(GuestFilter filter, Visible visible) {
    }

    private record Counted(long count, Instant at) {
    }

    private final Map<Key, Counted> remembered = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    Total total(GuestFilter filter, Visible visible, LongSupplier count) {
        Key key = new Key(filter, visible);
        Instant now = clock.instant();
        Counted known = remembered.get(key);
        if (known != null && known.at().plus(TTL).isAfter(now)) {
            return new Total(known.count(), false);
        }
        long counted = count.getAsLong();
        if (counted >= REMEMBER_FROM) {
            if (remembered.size() >= MAX_ENTRIES) {
                remembered.clear(); // many different filters at once: start over rather than grow
            }
            remembered.put(key, new Counted(counted, now));
        } else {
            remembered.remove(key);
        }
        return new Total(counted, true);
    }
}
