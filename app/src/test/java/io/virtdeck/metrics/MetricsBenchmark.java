package io.virtdeck.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import io.virtdeck.hypervisor.testdriver.SimulatedFleet;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec;
import io.virtdeck.hypervisor.testdriver.TestDriverHostWriter;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics figures (issue 8): sampling 10,000 running guests on 100 simulated hosts every 10 s (the CPU it costs, in
 * this JVM and in PostgreSQL), what history costs per guest per year, and how fast the capacity API and page answer
 * at 50,000 guests. Run with {@code mvn -B -pl app -am test -Pbenchmark -Dtest=MetricsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; prints lines starting "[bench]" (docs/benchmarks/metrics.md). It fails
 * only when the work was not done (rows missing), never on a timing.
 *
 * <p>Its own application context: the scheduled sampler and the inventory reconcile are pushed out of the way
 * (1 h) so that the rounds this class drives, every 10 s through the same code, are the only sampling measured.
 */
@Tag("benchmark")
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.metrics.interval=1h", "virtdeck.reconcile-interval=1h"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsBenchmark {

    private static final int HOSTS = 100;
    private static final int GUESTS_PER_HOST = 100;
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final int MEASURED_ROUNDS = 12;
    private static final int CAPACITY_GUESTS = 50_000;
    private static final int CAPACITY_GUESTS_PER_HOST = 125;

    @Autowired
    MockMvc mvc;
    @Autowired
    MetricsSampler sampler;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    CapacityService capacityService;
    @Autowired
    MetricsRepository repository;
    @Autowired
    io.virtdeck.metrics.forecast.ForecastService forecasts;

    @Test
    @Order(1)
    void samplingTenThousandGuestsOnAHundredHostsEveryTenSeconds() throws Exception {
        Api api = new Api(mvc);
        Path dir = Files.createTempDirectory("metrics-bench");
        TestDriverHostWriter writer = new TestDriverHostWriter();
        long registerStart = System.nanoTime();
        for (SimulatedHostSpec spec : SimulatedFleet.of(88, HOSTS, GUESTS_PER_HOST).hosts()) {
            api.registerHost("bench-" + spec.name(), "test://" + writer.write(allRunning(spec),
                    dir.resolve(spec.name() + ".xml")).toAbsolutePath());
        }
        await().atMost(Duration.ofMinutes(3)).until(
                () -> jdbc.sql("SELECT count(*) FROM guests WHERE state = 'RUNNING'").query(Long.class).single(), n -> n >= (long) HOSTS * GUESTS_PER_HOST);
        System.out.printf("[bench] fleet: %d hosts, %d running guests registered in %.1f s%n", HOSTS,
                HOSTS * GUESTS_PER_HOST, (System.nanoTime() - registerStart) / 1e9);

        long postmaster = postmasterPid();
        Usage idle = Usage.over(postmaster, Duration.ofSeconds(20), () -> { });
        System.out.printf("[bench] idle JVM, no sampling, 20 s: %.1f %% of one core (JVM), %.1f %% (PostgreSQL)%n",
                idle.jvmPercent(), idle.postgresPercent());

        long rowsBefore = rows();
        sampler.sampleAll(); // primes every host's counters
        Thread.sleep(INTERVAL.toMillis()); // the pause the scheduler leaves between rounds, which the rates span
        List<Long> roundMillis = new ArrayList<>();
        Usage sampling = Usage.over(postmaster, INTERVAL.multipliedBy(MEASURED_ROUNDS), () -> {
            for (int round = 0; round < MEASURED_ROUNDS; round++) {
                long tick = System.nanoTime();
                sampler.sampleAll();
                // the round is done when the last host's rows are in
                long expected = rowsBefore + (long) (round + 1) * HOSTS * (GUESTS_PER_HOST + 1);
                await().atMost(INTERVAL).until(MetricsBenchmark.this::rows, n -> n >= expected);
                roundMillis.add((System.nanoTime() - tick) / 1_000_000);
                sleepUntil(tick + INTERVAL.toNanos());
            }
        });
        long stored = rows() - rowsBefore;
        System.out.printf("[bench] sampling %d guests + %d hosts every %d s, %d rounds (%d s): %.1f %% of one core"
                        + " (JVM), %.1f %% (PostgreSQL), %.1f %% together; idle subtracted: %.1f %% (JVM)%n",
                HOSTS * GUESTS_PER_HOST, HOSTS, INTERVAL.toSeconds(), MEASURED_ROUNDS,
                INTERVAL.toSeconds() * MEASURED_ROUNDS, sampling.jvmPercent(), sampling.postgresPercent(),
                sampling.jvmPercent() + sampling.postgresPercent(), sampling.jvmPercent() - idle.jvmPercent());
        long[] sorted = roundMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("[bench] one round (100 bulk calls, %d rows inserted): median %d ms, max %d ms%n",
                HOSTS * (GUESTS_PER_HOST + 1), sorted[sorted.length / 2], sorted[sorted.length - 1]);
        assertThat(stored).isEqualTo((long) MEASURED_ROUNDS * HOSTS * (GUESTS_PER_HOST + 1));

        long bytes = jdbc.sql("SELECT pg_total_relation_size('metrics_10s')").query(Long.class).single();
        double perRow = (double) bytes / rows();
        long rowsPerGuestYear = Duration.ofDays(1).toSeconds() / 10 + Duration.ofDays(30).toSeconds() / 300
                + Duration.ofDays(365).toSeconds() / 3600;
        System.out.printf("[bench] history: %d rows take %d bytes with indexes (%.0f bytes a row); a guest kept a"
                        + " year holds %d rows (10 s x 1 d, 5 min x 30 d, 1 h x 365 d): %.2f MiB%n", rows(), bytes,
                perRow, rowsPerGuestYear, perRow * rowsPerGuestYear / (1024 * 1024));
    }

    @Test
    @Order(2)
    void capacityApiAndPageAtFiftyThousandGuests() throws Exception {
        long existing = jdbc.sql("SELECT count(*) FROM guests").query(Long.class).single();
        int extraHosts = (int) Math.ceil((CAPACITY_GUESTS - existing) / (double) CAPACITY_GUESTS_PER_HOST);
        // inventory rows as the sync writes them; the capacity figures come from the inventory, never from libvirt
        for (int h = 0; h < extraHosts; h++) {
            long hostId = jdbc.sql("INSERT INTO hosts (name, uri, state, cpus, memory_mib) VALUES (:name, :uri,"
                            + " 'CONNECTED', 64, 262144) RETURNING id")
                    .param("name", "cap-bench-" + h).param("uri", "test:///cap-bench-" + h).query(Long.class).single();
            jdbc.sql("INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib)"
                            + " SELECT :host, gen_random_uuid(), 'cap-' || :host || '-' || i,"
                            + " CASE WHEN i % 5 = 0 THEN 'SHUTOFF' ELSE 'RUNNING' END, 1 + i % 4, 1024 * (1 + i % 8)"
                            + " FROM generate_series(1, :n) AS i")
                    .param("host", hostId).param("n", CAPACITY_GUESTS_PER_HOST).update();
        }
        jdbc.sql("VACUUM ANALYZE guests").update(); // what autovacuum does after a bulk insert
        long guests = jdbc.sql("SELECT count(*) FROM guests").query(Long.class).single();
        long hosts = jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single();
        System.out.printf("[bench] capacity fleet: %d hosts, %d guests%n", hosts, guests);
        assertThat(guests).isGreaterThanOrEqualTo(CAPACITY_GUESTS);

        Api api = new Api(mvc);
        report("capacity figures alone (service, no HTTP)", () -> capacityService.compute(CapacityService.DEFAULT_SIZE));
        report("top guests of the four measures alone (one query)",
                () -> repository.top(java.time.Instant.now().minus(DashboardService.TOP_WINDOW), 5,
                        io.virtdeck.core.Visible.EVERYTHING));
        report("GET /api/v1/dashboard/capacity", () -> {
            String body = api.getJson("/api/v1/dashboard/capacity");
            assertThat(body).contains("\"guests\":" + guests);
        });
        report("GET /api/v1/dashboard/capacity, logged in already (no password check: HTTP Basic's bcrypt left out)",
                () -> mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .get("/api/v1/dashboard/capacity").with(org.springframework.security.test.web.servlet.request
                                .SecurityMockMvcRequestPostProcessors.user("viewer").roles("VIEWER")))
                        .andReturn().getResponse().getContentAsString());
        report("GET /dashboard (the page, as viewer; its host table shows 50 hosts a page; top lists reused for 10 s)",
                () -> {
                    String page = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                            .get("/dashboard").with(org.springframework.security.test.web.servlet.request
                                    .SecurityMockMvcRequestPostProcessors.user("viewer").roles("VIEWER")))
                            .andReturn().getResponse().getContentAsString();
                    assertThat(page).contains("Room left");
                });
    }

    /**
     * The same fleet with what the N+1 check and the forecasts read: a pool per host with 30 days of hourly history,
     * 30 days of the hosts' hourly memory, an anti-affinity group of 20 guests. Times the figures with the N+1 check
     * played through every host's loss, the forecasts' sums added up anew (what a dashboard pays once every 5 min),
     * the API and the page with one host in reserve.
     */
    @Test
    @Order(3)
    void capacityWithNPlusOneAndForecastsAtFiftyThousandGuests() throws Exception {
        System.out.printf("[bench] before N+1: hosts %s; guests %s%n", states("hosts"), states("guests"));
        // no libvirt answers for these inventory rows: the lease holder's attempt to reach them marks them lost;
        // put back what test 2 wrote, so that the N+1 check has running guests to place
        jdbc.sql("UPDATE hosts SET state = 'CONNECTED' WHERE name LIKE 'cap-bench-%'").update();
        jdbc.sql("UPDATE guests SET state = CASE WHEN split_part(name, '-', 3)::int % 5 = 0 THEN 'SHUTOFF'"
                + " ELSE 'RUNNING' END WHERE name LIKE 'cap-%'").update();
        jdbc.sql("INSERT INTO pool_usage (host_id, name, type, active, capacity_mib, allocation_mib, available_mib,"
                + " autostart) SELECT id, 'default', 'dir', true, 2097152, 1048576, 1048576, true FROM hosts"
                + " ON CONFLICT DO NOTHING").update();
        jdbc.sql("INSERT INTO pool_usage_history (host_id, name, at, capacity_mib, allocation_mib)"
                + " SELECT h.id, 'default', date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                + " - make_interval(hours => k), 2097152, 1048576 - k * (h.id % 7) * 40 FROM hosts h,"
                + " generate_series(1, 719) AS k ON CONFLICT DO NOTHING").update();
        jdbc.sql("INSERT INTO metrics_1h (object_kind, object_id, at, memory_mib)"
                + " SELECT 'H', h.id, date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00')"
                + " - make_interval(hours => k), 180000 - k * 10 FROM hosts h, generate_series(1, 720) AS k"
                + " ON CONFLICT DO NOTHING").update();
        jdbc.sql("INSERT INTO anti_affinity_groups (name, created_by) VALUES ('bench-dbs', 'bench')"
                + " ON CONFLICT DO NOTHING").update();
        jdbc.sql("INSERT INTO anti_affinity_members (group_name, guest_uuid) SELECT 'bench-dbs', uuid FROM guests"
                + " WHERE state = 'RUNNING' ORDER BY id LIMIT 20 ON CONFLICT DO NOTHING").update();
        jdbc.sql("VACUUM ANALYZE pool_usage_history").update();
        jdbc.sql("VACUUM ANALYZE metrics_1h").update();
        System.out.printf("[bench] N+1 and forecasts: %d hosts (%s), %d pool history rows, %d host memory rows%n",
                jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single(), states("hosts"),
                jdbc.sql("SELECT count(*) FROM pool_usage_history").query(Long.class).single(),
                jdbc.sql("SELECT count(*) FROM metrics_1h WHERE object_kind = 'H'").query(Long.class).single());

        Capacity figures = capacityService.compute(CapacityService.DEFAULT_SIZE);
        System.out.printf("[bench] N+1 answer: holds %s, %d hosts checked, worst %s, %d guests left out%n",
                figures.nPlusOne().holds(), figures.nPlusOne().hostsChecked(), figures.nPlusOne().worstHost(),
                figures.nPlusOne().guestsLeftOut());
        assertThat(figures.nPlusOne().hostsChecked()).isGreaterThan(0);
        report("capacity figures with the N+1 check and forecasts (service, no HTTP; N+1 answer reused for 10 s,"
                + " forecast sums for 5 min)", () -> capacityService.compute(CapacityService.DEFAULT_SIZE));
        int[] sizes = {0};
        report("the same, the N+1 check played through anew each call (another guest size each time)",
                () -> capacityService.compute(new Capacity.GuestSize(2, 4096 + ++sizes[0])));
        report("the same, the forecasts' sums added up anew each call (as once every 5 min)", () -> {
            forecasts.forget();
            capacityService.compute(CapacityService.DEFAULT_SIZE);
        });
        report("GET /api/v1/dashboard/capacity?nPlusOne=true, logged in already", () -> {
            String body = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                            .get("/api/v1/dashboard/capacity?nPlusOne=true").with(org.springframework.security.test
                                    .web.servlet.request.SecurityMockMvcRequestPostProcessors.user("viewer")
                                    .roles("VIEWER")))
                    .andReturn().getResponse().getContentAsString();
            assertThat(body).contains("\"countsNPlusOne\":true");
        });
        report("GET /dashboard?nPlusOne=true (the page, as viewer, N+1 and forecasts shown)", () -> {
            String page = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                            .get("/dashboard?nPlusOne=true").with(org.springframework.security.test.web.servlet
                                    .request.SecurityMockMvcRequestPostProcessors.user("viewer").roles("VIEWER")))
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).contains("Losing one host (N+1)");
        });
        report("GET /api/v1/dashboard/capacity.csv, logged in already", () -> mvc.perform(
                org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get("/api/v1/dashboard/capacity.csv")
                        .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors
                                .user("viewer").roles("VIEWER"))).andReturn().getResponse().getContentAsString());
        System.out.printf("[bench] after: hosts %s; guests %s; load average %s%n", states("hosts"), states("guests"),
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private String states(String table) {
        return jdbc.sql("SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n FROM " + table
                + " GROUP BY state) s").query(String.class).single();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void report(String what, Call call) throws Exception {
        for (int i = 0; i < 10; i++) {
            call.run();
        }
        long[] millis = new long[50];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            call.run();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("[bench] %s, %d calls after 10 warm-up: median %d ms, p95 %d ms, max %d ms%n", what,
                millis.length, millis[millis.length / 2], millis[(int) (millis.length * 0.95)],
                millis[millis.length - 1]);
    }

    /** The parent of this connection's backend process: the database server's postmaster. */
    private long postmasterPid() {
        int backend = jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single();
        return Long.parseLong(Usage.statFields(backend)[1]);
    }

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM metrics_10s").query(Long.class).single();
    }

    private static SimulatedHostSpec allRunning(SimulatedHostSpec spec) {
        return new SimulatedHostSpec(spec.name(), spec.cpu(), spec.memoryMiB(), spec.guests().stream()
                .map(g -> new SimulatedHostSpec.Guest(g.name(), g.uuid(), g.vcpus(), g.memoryMiB(),
                        SimulatedHostSpec.RunState.RUNNING, g.disks(), g.nics(), g.vncGraphics()))
                .toList(), spec.networks(), spec.pools());
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** CPU used while {@code work} ran (at least {@code span}): by this JVM, and by PostgreSQL's processes. */
    private record Usage(double jvmPercent, double postgresPercent) {

        interface Work {
            void run() throws Exception;
        }

        static Usage over(long postmaster, Duration span, Work work) throws Exception {
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long jvmBefore = os.getProcessCpuTime();
            long pgBefore = postgresCpuNanos(postmaster);
            long start = System.nanoTime();
            work.run();
            sleepUntil(start + span.toNanos());
            double wall = System.nanoTime() - start;
            return new Usage(100 * (os.getProcessCpuTime() - jvmBefore) / wall,
                    100 * (postgresCpuNanos(postmaster) - pgBefore) / wall);
        }

        /**
         * user + system time of the test database's server: its postmaster and every process under it (pg_ctl
         * detaches the server from this JVM, so it is found through a backend's parent), from /proc.
         */
        private static long postgresCpuNanos(long postmaster) {
            long ticks = cpuTicks(postmaster) + ProcessHandle.of(postmaster).stream()
                    .flatMap(ProcessHandle::descendants).mapToLong(p -> cpuTicks(p.pid())).sum();
            return ticks * 10_000_000L; // USER_HZ = 100
        }

        private static long cpuTicks(long pid) {
            try {
                String[] fields = statFields(pid);
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (RuntimeException e) {
                return 0; // the process ended meanwhile
            }
        }

        /** /proc/PID/stat after the command name: state, ppid, ... (ppid at 1, utime at 11, stime at 12). */
        static String[] statFields(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
