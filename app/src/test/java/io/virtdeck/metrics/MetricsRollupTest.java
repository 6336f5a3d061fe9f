package io.virtdeck.metrics;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Downsampling and expiry on synthetic series whose averages are known exactly (values chosen to be exact in the
 * tables' 4-byte floats). Object ids far above any real guest's keep these rows apart from other tests' samples.
 */
@VirtdeckIntegrationTest
class MetricsRollupTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Autowired
    MetricsRepository repository;
    @Autowired
    MetricsRollup rollup;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    @Test
    void anHourOfTenSecondSamplesBecomesTwelveFiveMinuteAveragesAndOneHourlyAverage() {
        long guestId = 900_001;
        Instant hour = MetricsRollup.floor(Instant.now().minus(Duration.ofHours(3)), Duration.ofHours(1));
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
            int bucket = i / 30;
            // cpu runs 0, 0.25, ... 7.25 in every 5 min bucket (average 3.625); memory is 100 x the bucket's number;
            // disk reads are known only every second sample (always 8); network never
            rows.add(new MetricRow(MetricRow.ObjectKind.GUEST, guestId, hour.plus(TEN_SECONDS.multipliedBy(i)),
                    new MetricValues((i % 30) * 0.25, bucket * 100.0, i % 2 == 0 ? null : 8.0, 1.5, 0.0, 2.0,
                            null, null)));
        }
        repository.insert(rows);

        repository.rollup(Tier.TEN_SECONDS, Tier.FIVE_MINUTES, hour, hour.plus(Duration.ofHours(1)));
        repository.rollup(Tier.FIVE_MINUTES, Tier.ONE_HOUR, hour, hour.plus(Duration.ofHours(1)));

        List<MetricPoint> fiveMinutes = repository.series(MetricRow.ObjectKind.GUEST, guestId, Tier.FIVE_MINUTES,
                hour, hour.plus(Duration.ofHours(1)), 300);
        assertThat(fiveMinutes).hasSize(12);
        for (int bucket = 0; bucket < 12; bucket++) {
            assertThat(fiveMinutes.get(bucket)).isEqualTo(new MetricPoint(hour.plus(Duration.ofMinutes(5L * bucket)),
                    new MetricValues(3.625, bucket * 100.0, 8.0, 1.5, 0.0, 2.0, null, null)));
        }
        List<MetricPoint> hourly = repository.series(MetricRow.ObjectKind.GUEST, guestId, Tier.ONE_HOUR,
                hour, hour.plus(Duration.ofHours(1)), 3600);
        assertThat(hourly).containsExactly(new MetricPoint(hour,
                new MetricValues(3.625, 550.0, 8.0, 1.5, 0.0, 2.0, null, null)));
    }

    @Test
    void eachTierForgetsWhatIsOlderThanItKeepsAndKeepsTheRest() {
        long guestId = 900_002;
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        put(Tier.TEN_SECONDS, guestId, now.minus(Duration.ofHours(25)));
        put(Tier.TEN_SECONDS, guestId, now.minus(Duration.ofHours(23)));
        put(Tier.FIVE_MINUTES, guestId, now.minus(Duration.ofDays(31)));
        put(Tier.FIVE_MINUTES, guestId, now.minus(Duration.ofDays(29)));
        put(Tier.ONE_HOUR, guestId, now.minus(Duration.ofDays(366)));
        put(Tier.ONE_HOUR, guestId, now.minus(Duration.ofDays(364)));

        rollup.run(now);

        assertThat(times(Tier.TEN_SECONDS, guestId)).containsExactly(now.minus(Duration.ofHours(23)));
        assertThat(times(Tier.FIVE_MINUTES, guestId)).contains(now.minus(Duration.ofDays(29)))
                .noneMatch(at -> at.isBefore(now.minus(Duration.ofDays(30))));
        assertThat(times(Tier.ONE_HOUR, guestId)).contains(now.minus(Duration.ofDays(364)))
                .noneMatch(at -> at.isBefore(now.minus(Duration.ofDays(365))));
    }

    @Test
    void whileAnotherInstanceRollsUpThisOneSkipsItsRun() throws Exception {
        long guestId = 900_003;
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        put(Tier.TEN_SECONDS, guestId, now.minus(Duration.ofHours(25)));

        try (Connection otherInstance = dataSource.getConnection()) {
            otherInstance.setAutoCommit(false);
            try (Statement statement = otherInstance.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(hashtext('virtdeck.metrics.rollup'))");
            }
            rollup.run(now);
            assertThat(times(Tier.TEN_SECONDS, guestId)).as("left to the instance holding the turn").hasSize(1);
            otherInstance.rollback();
        }

        rollup.run(now);
        assertThat(times(Tier.TEN_SECONDS, guestId)).isEmpty();
    }

    private void put(Tier tier, long guestId, Instant at) {
        jdbc.sql("INSERT INTO " + tier.table + " (object_kind, object_id, at, cpu) VALUES ('G', :id, :at, 1)")
                .param("id", guestId).param("at", java.sql.Timestamp.from(at)).update();
    }

    private List<Instant> times(Tier tier, long guestId) {
        return jdbc.sql("SELECT at FROM " + tier.table + " WHERE object_kind = 'G' AND object_id = :id ORDER BY at")
                .param("id", guestId).query(java.sql.Timestamp.class).list().stream().map(java.sql.Timestamp::toInstant)
                .toList();
    }
}
