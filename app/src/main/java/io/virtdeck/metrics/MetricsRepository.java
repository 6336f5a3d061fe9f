package io.virtdeck.metrics;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.virtdeck.core.Visible;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tiered metrics history (V8__metrics_history.sql). */
@Repository
class MetricsRepository {

    private static final String COLUMNS = "cpu, memory_mib, disk_read_bps, disk_write_bps, disk_read_iops,"
            + " disk_write_iops, net_rx_bps, net_tx_bps";
    private static final String AVERAGES = "avg(cpu), avg(memory_mib), avg(disk_read_bps), avg(disk_write_bps),"
            + " avg(disk_read_iops), avg(disk_write_iops), avg(net_rx_bps), avg(net_tx_bps)";

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;

    MetricsRepository(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
    }

    /** Adds rows to the 10 s tier in one batch; a row already there (same object and second) is kept. */
    void insert(List<MetricRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbcTemplate.batchUpdate("INSERT INTO metrics_10s (object_kind, object_id, at, " + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        MetricRow row = rows.get(i);
                        ps.setString(1, String.valueOf(row.kind().code));
                        ps.setLong(2, row.objectId());
                        ps.setTimestamp(3, Timestamp.from(row.at()));
                        MetricValues v = row.values();
                        real(ps, 4, v.cpu());
                        real(ps, 5, v.memoryMiB());
                        real(ps, 6, v.diskReadBps());
                        real(ps, 7, v.diskWriteBps());
                        real(ps, 8, v.diskReadIops());
                        real(ps, 9, v.diskWriteIops());
                        real(ps, 10, v.netRxBps());
                        real(ps, 11, v.netTxBps());
                    }

                    @Override
                    public int getBatchSize() {
                        return rows.size();
                    }
                });
    }

    private static void real(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setFloat(index, value.floatValue());
        }
    }

    /**
     * Averages the rows of {@code source} in [from, until) into buckets of {@code target}'s step (aligned to the
     * epoch) and adds them to {@code target}; buckets already there are kept. Returns the rows added.
     */
    int rollup(Tier source, Tier target, Instant from, Instant until) {
        return jdbc.sql("INSERT INTO " + target.table + " (object_kind, object_id, at, " + COLUMNS + ")"
                        + " SELECT object_kind, object_id, date_bin(make_interval(secs => :step), at,"
                        + " TIMESTAMPTZ '1970-01-01 00:00:00+00'), " + AVERAGES
                        + " FROM " + source.table + " WHERE at >= :from AND at < :until"
                        + " GROUP BY 1, 2, 3 ON CONFLICT DO NOTHING")
                .param("step", target.step.toSeconds())
                .param("from", Timestamp.from(from))
                .param("until", Timestamp.from(until))
                .update();
    }

    /** Deletes the tier's rows older than {@code before}; returns how many. */
    int expire(Tier tier, Instant before) {
        return jdbc.sql("DELETE FROM " + tier.table + " WHERE at < :before")
                .param("before", Timestamp.from(before)).update();
    }

    /**
     * True when this transaction got the rollup's turn: with several instances on one database only one rolls up
     * at a time, the others skip their run (the lock goes with the transaction).
     */
    boolean takeRollupTurn() {
        return Boolean.TRUE.equals(jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtext('virtdeck.metrics.rollup'))")
                .query(Boolean.class).single());
    }

    Optional<Instant> rolledUntil(Tier tier) {
        return jdbc.sql("SELECT rolled_until FROM metrics_rollups WHERE tier = :tier").param("tier", tier.label)
                .query(Timestamp.class).optional().map(Timestamp::toInstant);
    }

    void setRolledUntil(Tier tier, Instant until) {
        jdbc.sql("INSERT INTO metrics_rollups (tier, rolled_until) VALUES (:tier, :until)"
                        + " ON CONFLICT (tier) DO UPDATE SET rolled_until = greatest(metrics_rollups.rolled_until,"
                        + " excluded.rolled_until)")
                .param("tier", tier.label).param("until", Timestamp.from(until)).update();
    }

    /** One object's series from a tier, averaged into buckets of {@code stepSeconds} (a multiple of the tier's). */
    List<MetricPoint> series(MetricRow.ObjectKind kind, long objectId, Tier tier, Instant from, Instant to,
                             long stepSeconds) {
        return jdbc.sql("SELECT date_bin(make_interval(secs => :step), at, TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                        + " AS bucket, " + AVERAGES + " FROM " + tier.table
                        + " WHERE object_kind = :kind AND object_id = :id AND at >= :from AND at < :to"
                        + " GROUP BY bucket ORDER BY bucket")
                .param("step", stepSeconds)
                .param("kind", String.valueOf(kind.code))
                .param("id", objectId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, n) -> new MetricPoint(rs.getTimestamp(1).toInstant(), values(rs, 2)))
                .list();
    }

    /** The visible hosts' CPU and memory summed per bucket of the tier since {@code from}. */
    List<FleetTrends.Point> fleet(Tier tier, Instant from, Visible hosts) {
        return jdbc.sql("SELECT at, sum(cpu), sum(memory_mib) FROM " + tier.table
                        + " WHERE object_kind = 'H' AND at >= :from"
                        + (hosts.everything() ? "" : " AND object_id = ANY(:hosts)") + " GROUP BY at ORDER BY at")
                .param("from", Timestamp.from(from))
                .param("hosts", hosts.hostIdArray())
                .query((rs, n) -> new FleetTrends.Point(rs.getTimestamp(1).toInstant(), number(rs, 2), number(rs, 3)))
                .list();
    }

    /**
     * For each measure, the guests with the highest average in the 10 s tier since {@code from}, with their names, in
     * one pass over the window (the averages are computed once, then ranked per measure). Guests no longer in the
     * inventory are left out.
     */
    Map<TopMeasure, List<TopGuest>> top(Instant from, int limit, Visible guests) {
        // measure names and expressions are constants of TopMeasure, never user input
        String averages = Arrays.stream(TopMeasure.values())
                .map(m -> "avg(" + m.expression + ") AS " + m.label()).collect(Collectors.joining(", "));
        String ranked = Arrays.stream(TopMeasure.values())
                .map(m -> "(SELECT '" + m.name() + "' AS measure, object_id, " + m.label() + " AS value FROM m WHERE "
                        + m.label() + " IS NOT NULL ORDER BY " + m.label() + " DESC LIMIT :limit)")
                .collect(Collectors.joining(" UNION ALL "));
        Map<String, Object> params = new HashMap<>();
        params.put("from", Timestamp.from(from));
        params.put("limit", limit);
        String sql = "WITH m AS (SELECT object_id, " + averages + " FROM metrics_10s WHERE object_kind = 'G'"
                + " AND at >= :from" + (guests.everything() ? "" : " AND object_id IN (SELECT v.id FROM guests v"
                + " WHERE " + guests.guestCondition("v", "visible", params) + ")")
                + " GROUP BY object_id), r AS (" + ranked + ")"
                + " SELECT r.measure, r.object_id, g.name, h.name, r.value FROM r JOIN guests g ON g.id = r.object_id"
                + " JOIN hosts h ON h.id = g.host_id ORDER BY r.measure, r.value DESC, g.name";
        Map<TopMeasure, List<TopGuest>> top = new EnumMap<>(TopMeasure.class);
        for (TopMeasure measure : TopMeasure.values()) {
            top.put(measure, new ArrayList<>());
        }
        jdbc.sql(sql)
                .params(params)
                .query(rs -> {
                    top.get(TopMeasure.valueOf(rs.getString(1))).add(new TopGuest(rs.getLong(2), rs.getString(3),
                            rs.getString(4), rs.getDouble(5)));
                });
        return top;
    }

    static MetricValues values(ResultSet rs, int first) throws SQLException {
        return new MetricValues(number(rs, first), number(rs, first + 1), number(rs, first + 2),
                number(rs, first + 3), number(rs, first + 4), number(rs, first + 5), number(rs, first + 6),
                number(rs, first + 7));
    }

    private static Double number(ResultSet rs, int index) throws SQLException {
        double value = rs.getDouble(index);
        return rs.wasNull() ? null : value;
    }
}
