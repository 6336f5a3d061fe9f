package io.virtdeck.metrics;

import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Sampling a real libvirtd + QEMU host: tiny1 started on lab1 shows a CPU rate above zero (it is booting), its memory,
 * and disk and network rates (QEMU answers the bulk call's block and interface groups); lab1 itself shows its CPU
 * and memory. tiny1 is shut down again afterwards.
 */
@VirtdeckIntegrationTest
@UsesLab
class MetricsLabTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    MetricsSampler sampler;
    @Autowired
    JdbcClient jdbc;

    @Test
    void tiny1OnLab1HasNonzeroCpuRatesFromTheBulkCall() throws Exception {
        Lab.tiny1BackOnLab1();
        Api api = new Api(mvc);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/v1/hosts/" + lab1),
                body -> "CONNECTED".equals(JsonPath.read(body, "$.state")));
        long tiny1 = api.guestId(lab1, "tiny1");
        if (!"SHUTOFF".equals(state(tiny1))) { // left running by an interrupted earlier run
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        }
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        try {
            sampler.forget(lab1);
            assertThat(sampler.sampleHost(lab1)).isEmpty();
            // each sample's rates span the second since the previous one: sampled until tiny1 is among them
            List<MetricRow> rows = await("a sample of lab1 with tiny1's rates").atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> sampler.sampleHost(lab1), sampled -> sampled.stream().anyMatch(r -> isGuest(r, tiny1)));

            MetricRow guest = rows.stream().filter(r -> isGuest(r, tiny1)).findFirst().orElseThrow();
            System.out.printf("[MetricsLabTest] tiny1 while booting: %s%n", guest.values());
            assertThat(guest.values().cpu()).isPositive();
            assertThat(guest.values().memoryMiB()).isPositive();
            assertThat(guest.values().diskReadBps()).isNotNull();
            assertThat(guest.values().netRxBps()).isNotNull();
            MetricRow host = rows.stream().filter(r -> r.kind() == MetricRow.ObjectKind.HOST).findFirst()
                    .orElseThrow();
            System.out.printf("[MetricsLabTest] lab1: %s%n", host.values());
            assertThat(host.values().cpu()).isPositive();
            assertThat(host.values().memoryMiB()).isPositive();
        } finally {
            // tiny1 honours the ACPI button within seconds once booted; power it off if it was still booting
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/shutdown", ""));
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> state(tiny1), "SHUTOFF"::equals);
            } catch (ConditionTimeoutException stillRunning) {
                mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", ""));
                await().atMost(Duration.ofSeconds(20)).until(() -> state(tiny1), "SHUTOFF"::equals);
            }
        }
    }

    private static boolean isGuest(MetricRow row, long guest) {
        return row.kind() == MetricRow.ObjectKind.GUEST && row.objectId() == guest;
    }

    private String state(long guest) {
        return jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", guest).query(String.class).single();
    }
}
