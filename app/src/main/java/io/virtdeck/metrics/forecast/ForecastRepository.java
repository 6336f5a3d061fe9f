package io.virtdeck.metrics.forecast;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.virtdeck.core.Visible;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The sums a least-squares line needs, added up by PostgreSQL over the history: hourly pool allocations
 * (V42__pool_usage_history.sql) and the hosts' memory in use (the metrics history's 1 h tier, V8). x is in days
 * before {@code now}.
 */
@Repository
class ForecastRepository {

    private static final String SUMS = "count(*), sum(x), sum(y), sum(x * x), sum(x * y), sum(y * y), min(x), max(x)";
    private static final String DAYS = "extract(epoch FROM at - :now) / 86400.0";

    /** One pool of one host. */
    record PoolKey(long hostId, String pool) {
    }

    private final JdbcClient jdbc;

    ForecastRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every pool's sums since {@code since}, in one pass over the history. */
    Map<PoolKey, TrendFit> pools(Instant since, Instant now) {
        Map<PoolKey, TrendFit> sums = new HashMap<>();
        jdbc.sql("SELECT host_id, name, " + SUMS + " FROM (SELECT host_id, name, " + DAYS + " AS x,"
                        + " allocation_mib::float8 AS y FROM pool_usage_history WHERE at >= :since) h"
                        + " GROUP BY host_id, name")
                .param("since", Timestamp.from(since)).param("now", Timestamp.from(now))
                .query(rs -> {
                    sums.put(new PoolKey(rs.getLong(1), rs.getString(2)), fit(rs, 3));
                });
        return sums;
    }

    TrendFit pool(long hostId, String pool, Instant since, Instant now) {
        return jdbc.sql("SELECT " + SUMS + " FROM (SELECT " + DAYS + " AS x, allocation_mib::float8 AS y"
                        + " FROM pool_usage_history WHERE host_id = :host AND name = :pool AND at >= :since) h")
                .param("host", hostId).param("pool", pool).param("since", Timestamp.from(since))
                .param("now", Timestamp.from(now))
                .query((rs, row) -> fit(rs, 1)).single();
    }

    /** A pool's capacity and allocation as last read, if the pool is known. */
    Optional<long[]> poolNow(long hostId, String pool) {
        return jdbc.sql("SELECT capacity_mib, allocation_mib FROM pool_usage WHERE host_id = :host AND name = :pool")
                .param("host", hostId).param("pool", pool)
                .query((rs, row) -> new long[]{rs.getLong(1), rs.getLong(2)}).optional();
    }

    /** The fit of the visible hosts' memory in use, summed per hour, and the newest hour's sum (null: no history). */
    record FleetMemory(TrendFit fit, Double latestMiB) {
    }

    FleetMemory fleetMemory(Instant since, Instant now, Visible hosts) {
        String sql = "WITH f AS (SELECT at, sum(memory_mib)::float8 AS y FROM metrics_1h WHERE object_kind = 'H'"
                + " AND at >= :since" + (hosts.everything() ? "" : " AND object_id = ANY(:hosts)")
                + " GROUP BY at)"
                + " SELECT " + SUMS + ", (SELECT y FROM f ORDER BY at DESC LIMIT 1)"
                + " FROM (SELECT " + DAYS + " AS x, y FROM f) h";
        return jdbc.sql(sql).param("since", Timestamp.from(since)).param("now", Timestamp.from(now))
                .param("hosts", hosts.hostIdArray())
                .query((rs, row) -> {
                    double latest = rs.getDouble(9);
                    return new FleetMemory(fit(rs, 1), rs.wasNull() ? null : latest);
                }).single();
    }

    private static TrendFit fit(ResultSet rs, int first) throws SQLException {
        return new TrendFit(rs.getLong(first), rs.getDouble(first + 1), rs.getDouble(first + 2),
                rs.getDouble(first + 3), rs.getDouble(first + 4), rs.getDouble(first + 5), rs.getDouble(first + 6),
                rs.getDouble(first + 7));
    }
}
