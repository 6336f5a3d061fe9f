package io.virtdeck.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;

/** GET .../metrics: the tier follows the range asked, steps average whole rows, bad input names its field. */
@VirtdeckIntegrationTest
class MetricsApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    MetricsRepository repository;

    @Test
    void aRecentRangeReadsTenSecondRowsAndAnOldOneTheHourlyTier() throws Exception {
        Api api = new Api(mvc);
        long hostId = api.registerHost("metrics-api-host", TestHosts.smallHost());
        long guestId = api.guestId(hostId, "alpha-web");
        Instant minute = MetricsRollup.floor(Instant.now().minus(Duration.ofMinutes(10)), Duration.ofMinutes(1));
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new MetricRow(MetricRow.ObjectKind.GUEST, guestId, minute.plusSeconds(10L * i),
                    new MetricValues(i * 0.5, 512.0, 100.0, 200.0, 1.0, 2.0, 10.0, 20.0)));
        }
        repository.insert(rows);

        String recent = api.getJson("/api/v1/guests/" + guestId + "/metrics?from=" + minute + "&to="
                + minute.plusSeconds(60) + "&step=30");
        assertThat(JsonPath.<String>read(recent, "$.tier")).isEqualTo("10s");
        assertThat(JsonPath.<Integer>read(recent, "$.stepSeconds")).isEqualTo(30);
        // two buckets of three rows: cpu 0, 0.5, 1 -> 0.5 and 1.5, 2, 2.5 -> 2
        assertThat(JsonPath.<List<Double>>read(recent, "$.points[*].cpu")).containsExactly(0.5, 2.0);
        assertThat(JsonPath.<List<Double>>read(recent, "$.points[*].memoryMiB")).containsExactly(512.0, 512.0);
        assertThat(JsonPath.<List<String>>read(recent, "$.points[*].at"))
                .containsExactly(minute.toString(), minute.plusSeconds(30).toString());

        String lastWeek = api.getJson("/api/v1/guests/" + guestId + "/metrics?from="
                + Instant.now().minus(Duration.ofDays(7)) + "&step=10");
        assertThat(JsonPath.<String>read(lastWeek, "$.tier")).isEqualTo("5m");
        String lastQuarter = api.getJson("/api/v1/hosts/" + hostId + "/metrics?from="
                + Instant.now().minus(Duration.ofDays(90)));
        assertThat(JsonPath.<String>read(lastQuarter, "$.tier")).isEqualTo("1h");
        assertThat(JsonPath.<String>read(lastQuarter, "$.objectType")).isEqualTo("host");
    }

    @Test
    void theBusiestGuestsAreRankedByTheirAverageOverTheLastFiveMinutes() throws Exception {
        Api api = new Api(mvc);
        long hostId = api.registerHost("metrics-top-host", TestHosts.smallHost());
        long guestId = api.guestId(hostId, "gamma-build");
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // far busier than any test-driver guest (one core each): 900 and 1000 cores average 950; 4 MB/s of network
        repository.insert(List.of(
                new MetricRow(MetricRow.ObjectKind.GUEST, guestId, now.minusSeconds(20),
                        new MetricValues(900.0, 1.0, null, null, null, null, 1e6, 3e6)),
                new MetricRow(MetricRow.ObjectKind.GUEST, guestId, now.minusSeconds(10),
                        new MetricValues(1000.0, 1.0, null, null, null, null, 3e6, 1e6))));

        String cpu = api.getJson("/api/v1/dashboard/top?by=cpu&limit=1");
        assertThat(JsonPath.<List<Integer>>read(cpu, "$[*].id")).containsExactly((int) guestId);
        assertThat(JsonPath.<List<Double>>read(cpu, "$[*].value")).containsExactly(950.0);
        assertThat(JsonPath.<List<String>>read(cpu, "$[*].hostName")).containsExactly("metrics-top-host");
        String network = api.getJson("/api/v1/dashboard/top?by=network&limit=1");
        assertThat(JsonPath.<List<Double>>read(network, "$[*].value")).containsExactly(4e6);
        for (String bad : List.of("by=speed", "limit=0")) {
            var response = mvc.perform(api.get("/api/v1/dashboard/top?" + bad)).andReturn().getResponse();
            assertThat(response.getStatus()).as(bad).isEqualTo(400);
            assertThat(response.getContentAsString()).contains(bad.substring(0, bad.indexOf('=')));
        }
    }

    @Test
    void withoutParametersTheLastHourIsCutIntoTenSecondSteps() {
        SeriesWindow window = SeriesWindow.of(null, null, null, Instant.parse("2026-11-21T12:00:00Z"),
                new MetricsProperties(Duration.ofSeconds(10), 4, Duration.ofMinutes(1), Duration.ofMinutes(1),
                        Duration.ofDays(1), Duration.ofDays(30), Duration.ofDays(365), 4.0, 1.0));
        assertThat(window).isEqualTo(new SeriesWindow(Instant.parse("2026-11-21T11:00:00Z"),
                Instant.parse("2026-11-21T12:00:00Z"), 10, Tier.TEN_SECONDS));
    }

    @Test
    void aDayAskedAMomentAgoStillReadsTheTenSecondTier() {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        MetricsProperties properties = new MetricsProperties(Duration.ofSeconds(10), 4, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofDays(1), Duration.ofDays(30), Duration.ofDays(365), 4.0, 1.0);
        assertThat(SeriesWindow.of(now.minus(Duration.ofDays(1)).minusSeconds(2).toString(), null, null, now,
                properties).tier()).isEqualTo(Tier.TEN_SECONDS);
        assertThat(SeriesWindow.of(now.minus(Duration.ofDays(1)).minusSeconds(120).toString(), null, null, now,
                properties).tier()).isEqualTo(Tier.FIVE_MINUTES);
    }

    @Test
    void badParametersAreRefusedNamingTheField() throws Exception {
        Api api = new Api(mvc);
        long hostId = api.registerHost("metrics-bad-host", TestHosts.smallHost());
        for (String[] query : List.of(new String[] {"from=yesterday", "from"}, new String[] {"step=fast", "step"},
                new String[] {"from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from"},
                new String[] {"from=2020-01-01T00:00:00Z&step=1", "step"})) {
            var response = mvc.perform(api.get("/api/v1/hosts/" + hostId + "/metrics?" + query[0])).andReturn()
                    .getResponse();
            assertThat(response.getStatus()).as(query[0]).isEqualTo(400);
            assertThat(response.getContentAsString()).as(query[0]).contains(query[1]);
        }
        assertThat(mvc.perform(api.get("/api/v1/guests/99999999/metrics")).andReturn().getResponse().getStatus())
                .isEqualTo(404);
    }
}
