package io.virtdeck.metrics;

import java.time.Instant;
import java.util.Locale;

import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import org.springframework.stereotype.Service;

/** The metrics history of one guest or host (OpenAPI: GET .../metrics), read from the tier the range calls for. */
@Service
public class MetricsService {

    private final MetricsRepository repository;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final MetricsProperties properties;

    private final Permissions permissions;

    MetricsService(MetricsRepository repository, GuestRepository guests, HostRepository hosts,
                   MetricsProperties properties, Permissions permissions) {
        this.permissions = permissions;
        this.repository = repository;
        this.guests = guests;
        this.hosts = hosts;
        this.properties = properties;
    }

    public MetricSeries guest(long guestId, String from, String to, String step) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        guests.require(guestId);
        return series(MetricRow.ObjectKind.GUEST, guestId, from, to, step);
    }

    public MetricSeries host(long hostId, String from, String to, String step) {
        permissions.requireHost(Action.READ_HOST, hostId);
        hosts.require(hostId);
        return series(MetricRow.ObjectKind.HOST, hostId, from, to, step);
    }

    private MetricSeries series(MetricRow.ObjectKind kind, long id, String from, String to, String step) {
        SeriesWindow window = SeriesWindow.of(from, to, step, Instant.now(), properties);
        return new MetricSeries(kind.name().toLowerCase(Locale.ROOT), id, window.from(), window.to(),
                window.stepSeconds(), window.tier().label,
                repository.series(kind, id, window.tier(), window.from(), window.to(), window.stepSeconds()));
    }
}
