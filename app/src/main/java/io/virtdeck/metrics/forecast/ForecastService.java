package io.virtdeck.metrics.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.virtdeck.core.Visible;
import org.springframework.stereotype.Service;

/**
 * Days until full, for storage pools and the fleet's memory, from a straight line fitted to the last 30 days of
 * history ({@link TrendFit}). Unchecked: {@link io.virtdeck.metrics.CapacityService} asks it for the hosts the user
 * reads, alert rules (which run with no user) ask it directly.
 */
@Service
public class ForecastService {

    static final Duration HISTORY = Duration.ofDays(30);
    /** The sums over the whole fleet are reused this long: the histories gain a point an hour. */
    static final Duration POOLS_FRESH_FOR = Duration.ofMinutes(5);

    private static final TrendFit NO_HISTORY = TrendFit.of(new double[0], new double[0]);

    private record PoolSums(long takenAt, Map<ForecastRepository.PoolKey, TrendFit> sums) {
    }

    private record FleetSums(long takenAt, ForecastRepository.FleetMemory memory) {
    }

    private final ForecastRepository repository;
    private volatile PoolSums lastPools;
    private volatile FleetSums lastFleet;

    ForecastService(ForecastRepository repository) {
        this.repository = repository;
    }

    /** When the host's pool fills up; empty when no such pool was read. */
    public Optional<PoolForecast> forecastFor(long hostId, String poolName) {
        Instant now = Instant.now();
        return repository.poolNow(hostId, poolName).map(figures -> new PoolForecast(hostId, poolName, figures[0],
                figures[1], repository.pool(hostId, poolName, now.minus(HISTORY), now)
                .forecast(figures[1], figures[0])));
    }

    /**
     * The pool's forecast with its figures as last read, from every pool's sums computed at most once per
     * {@link #POOLS_FRESH_FOR} (the dashboard of a large fleet asks for hundreds of pools at once).
     */
    public PoolForecast pool(long hostId, String poolName, long capacityMiB, long allocationMiB) {
        TrendFit fit = poolSums().getOrDefault(new ForecastRepository.PoolKey(hostId, poolName), NO_HISTORY);
        return new PoolForecast(hostId, poolName, capacityMiB, allocationMiB, fit.forecast(allocationMiB, capacityMiB));
    }

    /**
     * When the visible hosts' memory in use reaches {@code capacityMiB}; the whole fleet's history summed at most once
     * per {@link #POOLS_FRESH_FOR}.
     */
    public Forecast fleetMemory(Visible hosts, long capacityMiB) {
        ForecastRepository.FleetMemory memory;
        if (hosts.everything()) {
            FleetSums last = lastFleet;
            long now = System.nanoTime();
            if (last == null || now - last.takenAt() > POOLS_FRESH_FOR.toNanos()) {
                last = new FleetSums(now, fleetMemorySince(hosts));
                lastFleet = last;
            }
            memory = last.memory();
        } else {
            memory = fleetMemorySince(hosts);
        }
        if (memory.latestMiB() == null) {
            return Forecast.notEnoughHistory(0);
        }
        return memory.fit().forecast(memory.latestMiB(), capacityMiB);
    }

    /** Drops the fleet's sums: the next dashboard adds them up again (after history was written in bulk). */
    public void forget() {
        lastPools = null;
        lastFleet = null;
    }

    private ForecastRepository.FleetMemory fleetMemorySince(Visible hosts) {
        Instant now = Instant.now();
        return repository.fleetMemory(now.minus(HISTORY), now, hosts);
    }

    private Map<ForecastRepository.PoolKey, TrendFit> poolSums() {
        PoolSums last = lastPools;
        long now = System.nanoTime();
        if (last == null || now - last.takenAt() > POOLS_FRESH_FOR.toNanos()) {
            Instant at = Instant.now();
            last = new PoolSums(now, repository.pools(at.minus(HISTORY), at));
            lastPools = last;
        }
        return last.sums();
    }
}
