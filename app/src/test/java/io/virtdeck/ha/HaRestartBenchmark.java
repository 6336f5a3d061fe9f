package io.virtdeck.ha;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * 20 small HA guests (priorities 0-19) on a simulated host (a real libvirtd serving the test driver) that is killed;
 * three simulated hosts take them. Measures the lost host's detection, the declaration after the grace, and how long
 * until every guest runs elsewhere, and in which order; placement and restart only (no QEMU boots).
 * {@code mvn -B -pl app -am test -Pbenchmark -Dtest=HaRestartBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.ha.grace=2s", "virtdeck.ha.retry=1s"})
class HaRestartBenchmark {

    private static final int GUESTS = 20;

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void twentyHaGuestsOfALostHost() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        Api api = new Api(mvc);
        long lost = api.connectedHost("ha-bench-lost", DAEMON.uri());
        for (int i = 1; i <= 3; i++) {
            api.connectedHost("ha-bench-" + i, TestHosts.smallHost());
        }
        Path definitions = Files.createTempDirectory("ha-bench");
        List<String> commands = new ArrayList<>();
        for (int n = 0; n < GUESTS; n++) {
            Path xml = definitions.resolve("ha-" + n + ".xml");
            Files.writeString(xml, "<domain type='test'><name>ha-" + n + "</name><memory unit='MiB'>512</memory>"
                    + "<os><type>hvm</type></os></domain>");
            commands.add("define " + xml);
            commands.add("start ha-" + n);
        }
        virsh(String.join(" ; ", commands));
        for (int n = 0; n < GUESTS; n++) {
            long guest = api.guestId(lost, "ha-" + n);
            mvc.perform(put("/api/v1/guests/" + guest + "/ha").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                    .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true,\"priority\":" + n + "}"))
                    .andExpect(status().isOk());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT count(*) FROM ha_guests WHERE"
                + " last_running").query(Long.class).single() == GUESTS);

        long killed = System.nanoTime();
        Timestamp killedAt = new Timestamp(System.currentTimeMillis());
        DAEMON.stop();
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("SELECT count(*) FROM ha_restarts WHERE state ="
                + " 'RUNNING'").query(Long.class).single() == GUESTS);
        long allRunning = (System.nanoTime() - killed) / 1_000_000;

        double lostSeen = jdbc.sql("SELECT extract(epoch FROM min(lost_since) - :killed) * 1000 FROM ha_restarts")
                .param("killed", killedAt).query(Double.class).single();
        double declared = jdbc.sql("SELECT extract(epoch FROM max(declared_at) - min(lost_since)) * 1000"
                + " FROM ha_restarts").query(Double.class).single();
        double started = jdbc.sql("SELECT extract(epoch FROM max(started_at) - min(declared_at)) * 1000"
                + " FROM ha_restarts").query(Double.class).single();
        List<String> order = jdbc.sql("SELECT guest_name FROM ha_restarts ORDER BY started_at, id")
                .query(String.class).list();
        List<String> spread = jdbc.sql("SELECT to_host || ': ' || count(*) FROM ha_restarts GROUP BY to_host"
                + " ORDER BY to_host").query(String.class).list();
        System.out.printf("[HaRestartBenchmark] %d HA guests, grace 2 s: killed -> lost seen %.0f ms; lost seen ->"
                        + " all declared %.0f ms; declared -> all running %.0f ms; killed -> all running %d ms%n",
                GUESTS, lostSeen, declared, started, allRunning);
        System.out.printf("[HaRestartBenchmark] started in this order: %s%n", String.join(", ", order));
        System.out.printf("[HaRestartBenchmark] placed: %s%n", String.join("; ", spread));
        assertThat(spread).hasSize(3);
        assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, GUESTS)
                .mapToObj(n -> "ha-" + (GUESTS - 1 - n)).toList());
    }

    private static void virsh(String commands) throws Exception {
        Process process = new ProcessBuilder("virsh", "-q", "-c", DAEMON.uri(), commands).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
