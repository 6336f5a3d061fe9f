package io.virtdeck.inventory;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.virtdeck.core.Page;

/**
 * One page of the guest list: {@code items} and {@code total} as every list has them (OpenAPI), plus two additions for
 * fleet-size lists. {@code totalExact} is false when {@code total} is a recent count taken again from a short-lived
 * cache (large totals only, at most {@link GuestCounts#TTL} old) rather than counted for this call. {@code next} is a
 * cursor for {@code after=} that reads the following page by keyset, or null on the last page.
 */
public record GuestPage(@JsonUnwrapped Page<Guest.Summary> page, boolean totalExact, String next) {
}
