package io.virtdeck.inventory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Remembers which domains Virtdeck itself just acted on, so that their lifecycle events are not reported as "changed
 * outside Virtdeck". One action can cause several events (shutdown: SHUTDOWN then STOPPED), hence a time window
 * rather than a count.
 */
@Component
public class ExpectedGuestChanges {

    private static final Duration WINDOW = Duration.ofMinutes(2);

    private final Map<String, Instant> lastAction = new ConcurrentHashMap<>();
    private final Clock clock;

    public ExpectedGuestChanges() {
        this(Clock.systemUTC());
    }

    ExpectedGuestChanges(Clock clock) {
        this.clock = clock;
    }

    public void expect(long hostId, UUID uuid) {
        Instant now = clock.instant();
        lastAction.put(key(hostId, uuid), now);
        lastAction.values().removeIf(at -> at.isBefore(now.minus(WINDOW)));
    }

    public boolean isExpected(long hostId, UUID uuid) {
        Instant at = lastAction.get(key(hostId, uuid));
        return at != null && !at.isBefore(clock.instant().minus(WINDOW));
    }

    private static String key(long hostId, UUID uuid) {
        return hostId + "/" + uuid;
    }
}
