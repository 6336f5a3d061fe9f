package io.virtdeck.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import org.springframework.stereotype.Service;

/**
 * The dashboard's trends and busiest guests (README: dashboard endpoints), read by whoever reads hosts, over the hosts
 * and guests their grants let them see.
 */
@Service
public class DashboardService {

    /** Top guests average the last five minutes: recent, yet not one noisy sample. */
    static final Duration TOP_WINDOW = Duration.ofMinutes(5);
    static final int TOP_LIMIT_MAX = 100;

    /** The dashboard page's lists are reused this long: samples arrive every 10 s at most. */
    static final Duration TOP_FRESH_FOR = Duration.ofSeconds(10);

    private record TopLists(long takenAt, int limit, Map<TopMeasure, List<TopGuest>> lists) {
    }

    private final MetricsRepository repository;
    private final Permissions permissions;
    private volatile TopLists lastTop;

    DashboardService(MetricsRepository repository, Permissions permissions) {
        this.repository = repository;
        this.permissions = permissions;
    }

    /** {@code range}: 24h (5 min averages) or 30d (hourly). */
    public FleetTrends trends(String range) {
        Visible hosts = permissions.visibleOrDeny(Action.READ_HOST);
        String asked = range == null || range.isBlank() ? "24h" : range.trim();
        Tier tier = switch (asked) {
            case "24h" -> Tier.FIVE_MINUTES;
            case "30d" -> Tier.ONE_HOUR;
            default -> throw VirtdeckException.invalid("range", "range is 24h or 30d.");
        };
        Duration length = tier == Tier.FIVE_MINUTES ? Duration.ofHours(24) : Duration.ofDays(30);
        return new FleetTrends(asked, tier.label, repository.fleet(tier, Instant.now().minus(length), hosts));
    }

    public List<TopGuest> top(String by, Integer limit) {
        permissions.visibleOrDeny(Action.READ_HOST);
        TopMeasure measure = TopMeasure.parse(by);
        int count = limit == null ? 10 : limit;
        if (count < 1 || count > TOP_LIMIT_MAX) {
            throw VirtdeckException.invalid("limit", "limit is between 1 and " + TOP_LIMIT_MAX + ".");
        }
        return repository.top(Instant.now().minus(TOP_WINDOW), count, permissions.visible(Action.READ_GUEST))
                .get(measure);
    }

    /**
     * Every measure's top guests at once, for the dashboard page (a wall screen reloads it often): computed at most
     * once per {@link #TOP_FRESH_FOR} for those who see every guest; for the others, their own lists each time.
     */
    public Map<TopMeasure, List<TopGuest>> topOfEach(int limit) {
        permissions.visibleOrDeny(Action.READ_HOST);
        Visible guests = permissions.visible(Action.READ_GUEST);
        if (!guests.everything()) {
            return repository.top(Instant.now().minus(TOP_WINDOW), limit, guests);
        }
        TopLists last = lastTop;
        long now = System.nanoTime();
        if (last == null || last.limit() != limit || now - last.takenAt() > TOP_FRESH_FOR.toNanos()) {
            last = new TopLists(now, limit, repository.top(Instant.now().minus(TOP_WINDOW), limit, guests));
            lastTop = last;
        }
        return last.lists();
    }
}
