package io.virtdeck.inventory;

import java.util.Arrays;

import io.virtdeck.core.Visible;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The hosts list at a glance with 50,000 guests on 400 hosts, each with an hour of 10 s samples: how long the one
 * query (guests counted by state, each host's latest sample) and the whole Hosts page take. Run with {@code mvn -B
 * -pl app -am test -Pbenchmark -Dtest=HostGlanceBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; prints lines
 * starting "[bench]". It fails only when the work was not done (counts wrong), never on a timing.
 */
@Tag("benchmark")
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.metrics.interval=1h", "virtdeck.reconcile-interval=1h"})
class HostGlanceBenchmark {

    private static final int HOSTS = 400;
    private static final int GUESTS_PER_HOST = 125;
    private static final int SAMPLES_PER_HOST = 360;
    private static final int RUNS = 20;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    HostRepository hosts;
    @Autowired
    MockMvc mvc;

    @Test
    void theHostsListAtFiftyThousandGuests() throws Exception {
        for (int h = 0; h < HOSTS; h++) {
            // inventory rows only: a URI no libvirt answers, so that no sync replaces these guests with a host's own
            long hostId = jdbc.sql("INSERT INTO hosts (name, uri, state, cpus, memory_mib) VALUES (:name, :uri,"
                            + " 'UNREACHABLE', 64, 262144) RETURNING id")
                    .param("name", "glance-bench-" + h).param("uri", "qemu+tcp://127.0.0.1:9/glance-bench-" + h)
                    .query(Long.class).single();
            jdbc.sql("INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib)"
                            + " SELECT :host, gen_random_uuid(), 'glance-' || :host || '-' || i,"
                            + " CASE WHEN i % 5 = 0 THEN 'SHUTOFF' WHEN i % 25 = 1 THEN 'PAUSED' ELSE 'RUNNING' END,"
                            + " 1, 1024 FROM generate_series(1, :n) AS i")
                    .param("host", hostId).param("n", GUESTS_PER_HOST).update();
            jdbc.sql("INSERT INTO metrics_10s (object_kind, object_id, at, cpu, memory_mib)"
                            + " SELECT 'H', :host, now() - make_interval(secs => 10 * i), 8 + i % 16, 131072"
                            + " FROM generate_series(0, :n - 1) AS i")
                    .param("host", hostId).param("n", SAMPLES_PER_HOST).update();
        }
        jdbc.sql("VACUUM ANALYZE guests").update();
        jdbc.sql("VACUUM ANALYZE metrics_10s").update();
        long guests = jdbc.sql("SELECT count(*) FROM guests").query(Long.class).single();
        System.out.printf("[bench] glance fleet: %d hosts, %d guests, %d host samples%n", HOSTS, guests,
                (long) HOSTS * SAMPLES_PER_HOST);
        assertThat(guests).isGreaterThanOrEqualTo((long) HOSTS * GUESTS_PER_HOST);

        long[] query = new long[RUNS];
        long[] page = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            var glances = hosts.glances(Visible.EVERYTHING);
            query[i] = System.nanoTime() - start;
            // unreachable hosts' guests turn UNKNOWN (counted as other) once their monitor has tried them
            assertThat(glances.values().stream().filter(g -> g.cpuPercent() != null
                    && g.running() + g.paused() + g.shutOff() + g.other() == GUESTS_PER_HOST))
                    .hasSizeGreaterThanOrEqualTo(HOSTS);
            start = System.nanoTime();
            String html = mvc.perform(get("/hosts").with(user("bench").roles("VIEWER"))).andReturn().getResponse()
                    .getContentAsString();
            page[i] = System.nanoTime() - start;
            assertThat(html).contains("glance-bench-" + (HOSTS - 1));
        }
        System.out.printf("[bench] host glances (one query, %d hosts): median %.1f ms, max %.1f ms%n", HOSTS,
                median(query), Arrays.stream(query).max().orElse(0) / 1e6);
        System.out.printf("[bench] GET /hosts (%d hosts with bars and counts): median %.1f ms, max %.1f ms%n", HOSTS,
                median(page), Arrays.stream(page).max().orElse(0) / 1e6);
        System.out.println("[bench] plan: " + String.join("\n[bench]   ", jdbc.sql("EXPLAIN (ANALYZE, COSTS OFF) "
                + "SELECT host_id, count(*) FILTER (WHERE state = 'RUNNING') FROM guests GROUP BY host_id")
                .query(String.class).list()));
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
