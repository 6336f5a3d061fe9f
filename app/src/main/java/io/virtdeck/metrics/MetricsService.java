package io.virtdeck.metrics;

import java.time.Instant;

import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Access;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/** The metrics history of one guest or host (API.md: GET .../metrics), read from the tier the range calls for. */
@Service
public class MetricsService {

    private final MetricsRepository repository;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final MetricsProperties properties;

    MetricsService(MetricsRepository repository, GuestRepository guests, HostRepository hosts,
                   MetricsProperties properties) {
        this.repository = repository;
        this.guests = guests;
        this.hosts = hosts;
        this.properties = properties;
    }

    @PreAuthorize(Access.READ_GUESTS)
    public MetricSeries guest(long guestId, String from, String to, String step) {
        guests.require(guestId);
        return series(MetricRow.ObjectKind.GUEST, guestId, from, to, step);
    }

    @PreAuthorize(Access.READ_HOSTS)
    public MetricSeries host(long hostId, String from, String to, String step) {
        hosts.require(hostId);
        return series(MetricRow.ObjectKind.HOST, hostId, from, to, step);
    }

    private MetricSeries series(MetricRow.ObjectKind kind, long id, String from, String to, String step) {
        SeriesWindow window = SeriesWindow.of(from, to, step, Instant.now(), properties);
        return new MetricSeries(kind.name().toLowerCase(), id, window.from(), window.to(), window.stepSeconds(),
                window.tier().label, repository.series(kind, id, window.tier(), window.from(), window.to(),
                        window.stepSeconds()));
    }
}
