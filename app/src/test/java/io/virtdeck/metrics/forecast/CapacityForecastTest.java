package io.virtdeck.metrics.forecast;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.CpuTopology;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.Guest;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec.RunState;
import io.virtdeck.hypervisor.testdriver.TestDriverHostWriter;
import io.virtdeck.security.GrantRepository;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.UserAccountRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The capacity dashboard's N+1 check and forecasts on real PostgreSQL, over test-driver hosts registered through the
 * API, with history rows written as the pool reader and the metrics roll-up write them. Each fleet is seen by a viewer
 * granted its hosts alone, so that the figures are the fleet's whatever else this database holds.
 *
 * <p>Sampling and roll-up are pushed out of the way: the hosts' memory history is the rows this class writes.
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.metrics.interval=1h", "virtdeck.metrics.rollup-interval=1h"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapacityForecastTest {

    private static final String SPARE = "fc-b-spare";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    UserAccountRepository users;
    @Autowired
    GrantRepository grants;
    @Autowired
    ForecastService forecasts;

    /** Fleet A: three hosts of 16 GiB that can lose any one. */
    final List<Long> fleetA = new ArrayList<>();
    /** Fleet B: a host of 32 GiB running three 8 GiB guests, and one of 16 GiB running one. */
    final List<Long> fleetB = new ArrayList<>();

    @BeforeAll
    void fleets() throws Exception {
        Api api = new Api(mvc);
        Path dir = Files.createTempDirectory("forecast-fleet");
        fleetA.add(register(api, dir, host("fc-a1", 16384, guest("fc-a1-web1", 4096), guest("fc-a1-web2", 4096))));
        fleetA.add(register(api, dir, host("fc-a2", 16384, guest("fc-a2-web3", 4096))));
        fleetA.add(register(api, dir, host("fc-a3", 16384, guest("fc-a3-cache", 2048))));
        fleetB.add(register(api, dir, host("fc-b-big", 32768, guest("fc-b-db3", 8192), guest("fc-b-db1", 8192),
                guest("fc-b-db2", 8192))));
        fleetB.add(register(api, dir, host(SPARE, 16384, guest("fc-b-web", 8192))));
        List<Long> all = new ArrayList<>(fleetA);
        all.addAll(fleetB);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM hosts h WHERE"
                        + " h.id = ANY(:ids) AND h.state = 'CONNECTED' AND EXISTS (SELECT 1 FROM pool_usage p"
                        + " WHERE p.host_id = h.id)").param("ids", all.toArray(new Long[0])).query(Long.class).single(),
                n -> n == all.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM guests WHERE"
                + " host_id = ANY(:ids) AND state = 'RUNNING'").param("ids", all.toArray(new Long[0]))
                .query(Long.class).single(), n -> n == 8);
        viewer("fc-viewer-a", fleetA);
        viewer("fc-viewer-b", fleetB);
    }

    @Test
    void aFleetWithRoomForAnyHostsGuestsSaysSo() throws Exception {
        String body = json("fc-viewer-a", "/api/v1/dashboard/capacity");

        assertThat(JsonPath.<Boolean>read(body, "$.nPlusOne.holds")).isTrue();
        assertThat(JsonPath.<Integer>read(body, "$.nPlusOne.hostsChecked")).isEqualTo(3);
        assertThat(JsonPath.<Object>read(body, "$.nPlusOne.worstHost")).isNull();
        assertThat(JsonPath.<List<Object>>read(body, "$.nPlusOne.guests")).isEmpty();
        // 48 GiB less 14 GiB running: 34 GiB, 8 guests of 4 GiB; with one host in reserve (losing fc-a3, 14 GiB
        // free and 2 GiB to place, leaves the least): 18 GiB, 4 guests
        assertThat(JsonPath.<Number>read(body, "$.roomLeft").longValue()).isEqualTo(8);
        assertThat(JsonPath.<Number>read(body, "$.memoryRoomLeftMiB").longValue()).isEqualTo(34 * 1024);
        String reserved = json("fc-viewer-a", "/api/v1/dashboard/capacity?nPlusOne=true");
        assertThat(JsonPath.<Boolean>read(reserved, "$.countsNPlusOne")).isTrue();
        assertThat(JsonPath.<Number>read(reserved, "$.roomLeft").longValue()).isEqualTo(4);
        assertThat(JsonPath.<Number>read(reserved, "$.memoryRoomLeftMiB").longValue()).isEqualTo(18 * 1024);
        assertThat(JsonPath.<Number>read(reserved, "$.totals.guestsThatFit").longValue()).isEqualTo(8);
    }

    @Test
    void theOpenApiDocumentDescribesTheExportAndTheNewFields() throws Exception {
        String doc = mvc.perform(get("/v3/api-docs")).andReturn().getResponse().getContentAsString();

        assertThat(doc).contains("\"/api/v1/dashboard/capacity.csv\"", "\"nPlusOne\"", "\"memoryForecast\"",
                "\"poolForecasts\"", "\"guestsLeftOut\"", "\"daysUntilFull\"");
    }

    @Test
    void aReserveThatIsNeitherTrueNorFalseIsRefusedNamingIt() throws Exception {
        MockHttpServletResponse response = mvc.perform(get("/api/v1/dashboard/capacity?nPlusOne=maybe")
                .with(user("fc-viewer-a").authorities(List.of()))).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains("nPlusOne");
    }

    @Test
    void aFleetThatCannotLoseItsLargestHostNamesTheGuestsWithoutAPlace() throws Exception {
        String body = json("fc-viewer-b", "/api/v1/dashboard/capacity?nPlusOne=true");

        assertThat(JsonPath.<Boolean>read(body, "$.nPlusOne.holds")).isFalse();
        assertThat(JsonPath.<String>read(body, "$.nPlusOne.worstHost.name")).isEqualTo("fc-b-big");
        assertThat(JsonPath.<String>read(body, "$.nPlusOne.largestHost.name")).isEqualTo("fc-b-big");
        assertThat(JsonPath.<Integer>read(body, "$.nPlusOne.guestsLeftOut")).isEqualTo(2);
        assertThat(JsonPath.<Integer>read(body, "$.nPlusOne.memoryLeftOutMiB")).isEqualTo(16384);
        // largest first, then by name: fc-b-db1 takes the spare's 8 GiB
        assertThat(JsonPath.<List<String>>read(body, "$.nPlusOne.guests[*].name"))
                .containsExactly("fc-b-db2", "fc-b-db3");
        assertThat(JsonPath.<Number>read(body, "$.roomLeft").longValue()).isZero();
    }

    @Test
    void fleetMemoryFillsUpAtThePaceOfItsHistory() throws Exception {
        // 30 days of hourly rows for both hosts of fleet B: 25,000 MiB in use now, 300 MiB more each day
        for (int k = 0; k < 720; k++) {
            hostHour(fleetB.get(0), k, 20_000 - 200.0 * k / 24);
            hostHour(fleetB.get(1), k, 5_000 - 100.0 * k / 24);
        }
        forecasts.forget();

        String body = json("fc-viewer-b", "/api/v1/dashboard/capacity");
        String reserved = json("fc-viewer-b", "/api/v1/dashboard/capacity?nPlusOne=true");
        String fleetA = json("fc-viewer-a", "/api/v1/dashboard/capacity");

        // 48 GiB = 49,152 MiB: (49,152 - 25,000) / 300 days
        assertThat(JsonPath.<Number>read(body, "$.memoryCapacityMiB").longValue()).isEqualTo(49_152);
        assertThat(JsonPath.<String>read(body, "$.memoryForecast.status")).isEqualTo("FULL_IN");
        assertThat(JsonPath.<Number>read(body, "$.memoryForecast.daysUntilFull").doubleValue())
                .isCloseTo((49_152 - 25_000) / 300.0, within(1e-3));
        assertThat(JsonPath.<String>read(body, "$.memoryForecast.confidence")).isEqualTo("HIGH");
        assertThat(JsonPath.<String>read(body, "$.memoryForecast.words"))
                .isEqualTo("full in about 81 days (steady growth over 30 days)");
        // one host in reserve: 16 GiB left, less than is in use
        assertThat(JsonPath.<Number>read(reserved, "$.memoryCapacityMiB").longValue()).isEqualTo(16_384);
        assertThat(JsonPath.<String>read(reserved, "$.memoryForecast.status")).isEqualTo("FULL_NOW");
        // no history for fleet A's hosts
        assertThat(JsonPath.<String>read(fleetA, "$.memoryForecast.words")).isEqualTo("not enough history yet");
    }

    @Test
    void poolsFillUpAtThePaceOfTheirHistoryAndAlertRulesCanAsk() throws Exception {
        long host = fleetA.get(0);
        long[] now = jdbc.sql("SELECT capacity_mib, allocation_mib FROM pool_usage WHERE host_id = :h AND"
                        + " name = 'default'").param("h", host)
                .query((rs, n) -> new long[]{rs.getLong(1), rs.getLong(2)}).single();
        assertThat(now[1]).as("the pool's allocation: its volume").isEqualTo(40_960);
        // 30 days back, 1 GiB a day less each day back; the pool reader wrote this hour's row itself
        for (int k = 1; k < 720; k++) {
            jdbc.sql("INSERT INTO pool_usage_history (host_id, name, at, capacity_mib, allocation_mib) VALUES (:h,"
                            + " 'default', date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                            + " - make_interval(hours => :k), :cap, :alloc) ON CONFLICT DO NOTHING")
                    .param("h", host).param("k", k).param("cap", now[0])
                    .param("alloc", now[1] - 1024L * k / 24).update();
        }
        forecasts.forget();
        double expected = (now[0] - now[1]) / 1024.0;

        String body = json("fc-viewer-a", "/api/v1/dashboard/capacity");
        Map<String, Object> pool = JsonPath.<List<Map<String, Object>>>read(body, "$.hosts[?(@.id == " + host
                + ")].poolForecasts[0]").get(0);
        PoolForecast direct = forecasts.forecastFor(host, "default").orElseThrow();

        assertThat(pool.get("pool")).isEqualTo("default");
        assertThat(JsonPath.<Number>read(pool, "$.forecast.daysUntilFull").doubleValue())
                .isCloseTo(expected, within(0.5));
        assertThat(JsonPath.<String>read(pool, "$.forecast.confidence")).isEqualTo("HIGH");
        assertThat(direct.daysUntilFull()).isCloseTo(expected, within(0.5));
        assertThat(direct.confidence()).isEqualTo(Forecast.Confidence.HIGH);
        assertThat(direct.forecast().words()).startsWith("full in about ").endsWith("(steady growth over 30 days)");
        assertThat(forecasts.forecastFor(host, "no-such-pool")).isEmpty();
        // a pool with this hour's reading alone
        assertThat(forecasts.forecastFor(fleetA.get(1), "default").orElseThrow().forecast().status())
                .isEqualTo(Forecast.Status.NOT_ENOUGH_HISTORY);
        assertThat(JsonPath.<List<String>>read(body, "$.hosts[?(@.id == " + fleetA.get(1)
                + ")].poolForecasts[0].forecast.words")).containsExactly("not enough history yet");
    }

    @Test
    void theCapacityTableExportsAsCsvWithAHeaderAndQuotedCells() throws Exception {
        // erratic growth of the big host's pool: its forecast's words hold a comma, which the CSV must quote
        for (int k = 1; k < 720; k++) {
            jdbc.sql("INSERT INTO pool_usage_history (host_id, name, at, capacity_mib, allocation_mib) VALUES (:h,"
                            + " 'default', date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                            + " - make_interval(hours => :k), 102400, :alloc) ON CONFLICT DO NOTHING")
                    .param("h", fleetB.get(0)).param("k", k)
                    .param("alloc", 20_000 - 100L * k / 24 + (k % 2 == 0 ? 8_000 : -8_000)).update();
        }
        forecasts.forget();
        MockHttpServletResponse response = mvc.perform(get("/api/v1/dashboard/capacity.csv")
                .with(user("fc-viewer-b").authorities(List.of()))).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).startsWith("text/csv");
        assertThat(response.getHeader("Content-Disposition"))
                .isEqualTo("attachment; filename=\"virtdeck-capacity.csv\"");
        List<String> lines = List.of(response.getContentAsString().split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("host,state,cpus,memory_mib,guests,active_guests,vcpus_allocated,"
                + "memory_allocated_mib,vcpu_overcommit,memory_overcommit,guests_that_fit,pool,pool_capacity_mib,"
                + "pool_allocation_mib,pool_days_until_full,pool_forecast");
        assertThat(lines).hasSize(3); // one pool per host
        assertThat(lines.get(1)).startsWith("fc-b-big,CONNECTED,8,32768,3,3,3,24576,0.375,0.750,2,default,102400,")
                .containsPattern(",\"full in about \\d+ days \\(erratic growth over 30 days, a rough guess\\)\"$");
        assertThat(lines.get(2)).startsWith(SPARE + ",CONNECTED,8,16384,1,1,1,8192,0.125,0.500,2,default,102400,")
                .endsWith(",,not enough history yet");
        // the page's link: the same file with the page's login
        MockHttpServletResponse fromPage = mvc.perform(get("/dashboard/capacity.csv")
                .with(user("fc-viewer-b").authorities(List.of()))).andReturn().getResponse();
        assertThat(fromPage.getContentAsString()).isEqualTo(response.getContentAsString());
    }

    @Test
    void thePageShowsTheN1CheckTheForecastsAndTheExportLink() throws Exception {
        String page = mvc.perform(get("/dashboard?nPlusOne=true").with(user("fc-viewer-b").authorities(List.of())))
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Losing one host (N+1)", "Not covered",
                "Losing fc-b-big leaves 2 running guests (16 GiB) without a place.", ">fc-b-db2<", ">fc-b-db3<");
        assertThat(page).containsPattern("id=\"size-n-plus-one\"[^>]*checked");
        assertThat(page).contains("href=\"/dashboard/capacity.csv?vcpus=2&amp;memoryMiB=4096&amp;nPlusOne=true\"");
        assertThat(page).contains("one host held in reserve");
        String covered = mvc.perform(get("/dashboard").with(user("fc-viewer-a").authorities(List.of())))
                .andReturn().getResponse().getContentAsString();
        assertThat(covered).contains("Covered", "Any one host can be lost, the largest (fc-a1) too");
        assertThat(covered).doesNotContain("one host held in reserve");
    }

    private String json(String viewer, String path) throws Exception {
        MockHttpServletResponse response = mvc.perform(get(path).with(user(viewer).authorities(List.of())))
                .andReturn().getResponse();
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString();
    }

    private void hostHour(long host, int hoursAgo, double memoryMiB) {
        jdbc.sql("INSERT INTO metrics_1h (object_kind, object_id, at, memory_mib) VALUES ('H', :h,"
                        + " date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                        + " - make_interval(hours => :k), :m) ON CONFLICT DO NOTHING")
                .param("h", host).param("k", hoursAgo).param("m", memoryMiB).update();
    }

    private void viewer(String name, List<Long> hosts) {
        users.createIfAbsent(name, "{noop}unused", null);
        long id = grants.userId(name).orElseThrow();
        hosts.forEach(host -> grants.insert(id, null, ObjectRef.host(host), Role.VIEWER, "test"));
    }

    private static Guest guest(String name, long memoryMiB) {
        return new Guest(name, UUID.randomUUID(), 1, memoryMiB, RunState.RUNNING, List.of(), List.of(), false);
    }

    private static SimulatedHostSpec host(String name, long memoryMiB, Guest... guests) {
        return new SimulatedHostSpec(name, new CpuTopology("fc", 2000, 1, 1, 8, 1), memoryMiB, List.of(guests),
                List.of(), List.of(new SimulatedHostSpec.Pool("default", UUID.randomUUID(), "/fc-" + UUID.randomUUID(),
                List.of(new SimulatedHostSpec.Volume(name + "-data", 65_536, 40_960,
                        SimulatedHostSpec.VolumeFormat.RAW)))));
    }

    private static long register(Api api, Path dir, SimulatedHostSpec spec) throws Exception {
        Path file = new TestDriverHostWriter().write(spec, dir.resolve(UUID.randomUUID() + ".xml"));
        return api.registerHost(spec.name(), "test://" + file.toAbsolutePath());
    }
}
