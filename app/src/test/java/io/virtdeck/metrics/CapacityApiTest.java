package io.virtdeck.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.testdriver.SimulatedFleet;
import io.virtdeck.hypervisor.testdriver.SimulatedHostSpec;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The capacity figures of a generated fleet (test-driver host files) against totals computed here from the fleet's
 * own description: CPUs from the topology, allocation from the running and paused guests.
 */
@VirtdeckIntegrationTest
class CapacityApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    PoolUsage pools;

    @Test
    void perHostAndTotalFiguresMatchTheGeneratedFleet() throws Exception {
        Api api = new Api(mvc);
        SimulatedFleet fleet = SimulatedFleet.of(4_242, 3, 12);
        List<SimulatedFleet.SimulatedHostFile> files = fleet.writeTo(Files.createTempDirectory("capacity-fleet"));
        Map<String, Long> ids = new java.util.HashMap<>();
        for (SimulatedFleet.SimulatedHostFile file : files) {
            ids.put(file.hostName(), api.registerHost("cap-" + file.hostName(), file.uri()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> api.getJson("/api/v1/hosts"),
                body -> ids.values().stream().allMatch(id -> "CONNECTED".equals(
                        JsonPath.<List<String>>read(body, "$[?(@.id == " + id + ")].state").get(0))));
        pools.refresh();

        String body = api.getJson("/api/v1/dashboard/capacity?vcpus=2&memoryMiB=2048");

        for (SimulatedHostSpec spec : fleet.hosts()) {
            long id = ids.get(spec.name());
            Map<String, Object> host = JsonPath.<List<Map<String, Object>>>read(body, "$.hosts[?(@.id == " + id + ")]")
                    .get(0);
            int cpus = spec.cpu().logicalCpus();
            long vcpusActive = 0, memoryActive = 0, vcpusAll = 0, memoryAll = 0, active = 0;
            for (SimulatedHostSpec.Guest guest : spec.guests()) {
                vcpusAll += guest.vcpus();
                memoryAll += guest.memoryMiB();
                if (guest.state() != SimulatedHostSpec.RunState.SHUTOFF) {
                    active++;
                    vcpusActive += guest.vcpus();
                    memoryActive += guest.memoryMiB();
                }
            }
            assertThat(((Number) host.get("cpus")).intValue()).isEqualTo(cpus);
            assertThat(((Number) host.get("memoryMiB")).longValue()).isEqualTo(spec.memoryMiB());
            assertThat(((Number) host.get("guests")).longValue()).isEqualTo(spec.guests().size());
            assertThat(((Number) host.get("activeGuests")).longValue()).isEqualTo(active);
            assertThat(((Number) host.get("vcpusAllocated")).longValue()).isEqualTo(vcpusActive);
            assertThat(((Number) host.get("memoryAllocatedMiB")).longValue()).isEqualTo(memoryActive);
            assertThat(((Number) host.get("vcpusDefined")).longValue()).isEqualTo(vcpusAll);
            assertThat(((Number) host.get("memoryDefinedMiB")).longValue()).isEqualTo(memoryAll);
            assertThat(((Number) host.get("vcpuOvercommit")).doubleValue())
                    .isCloseTo((double) vcpusActive / cpus, within(1e-9));
            // 4 vCPUs per CPU and 1 MiB per MiB by default; guests of 2 vCPUs and 2048 MiB
            long fit = Math.max(0, Math.min((4L * cpus - vcpusActive) / 2, (spec.memoryMiB() - memoryActive) / 2048));
            assertThat(((Number) host.get("guestsThatFit")).longValue()).isEqualTo(fit);
            // the test driver reports every pool as 100 GiB
            assertThat(JsonPath.<List<Number>>read(host, "$.pools[?(@.name == 'default')].capacityMiB"))
                    .containsExactly(102_400);
        }

        List<Map<String, Object>> everyHost = JsonPath.read(body, "$.hosts");
        assertThat(JsonPath.<Number>read(body, "$.totals.hosts").intValue()).isEqualTo(everyHost.size());
        for (String field : List.of("cpus", "memoryMiB", "guests", "activeGuests", "vcpusAllocated",
                "memoryAllocatedMiB", "vcpusDefined", "memoryDefinedMiB", "guestsThatFit")) {
            long sum = everyHost.stream().mapToLong(h -> ((Number) h.get(field)).longValue()).sum();
            assertThat(JsonPath.<Number>read(body, "$.totals." + field).longValue()).as(field).isEqualTo(sum);
        }
        assertThat(JsonPath.<Number>read(body, "$.hostStates.CONNECTED").longValue()).isGreaterThanOrEqualTo(3);
        assertThat(JsonPath.<Number>read(body, "$.size.memoryMiB").longValue()).isEqualTo(2048);
    }

    @Test
    void aGuestSizeBelowOneIsRefusedNamingTheField() throws Exception {
        String body = mvc.perform(new Api(mvc).get("/api/v1/dashboard/capacity?vcpus=0")).andReturn().getResponse()
                .getContentAsString();
        assertThat(body).contains("vcpus");
        assertThat(mvc.perform(new Api(mvc).get("/api/v1/dashboard/capacity?vcpus=0")).andReturn().getResponse()
                .getStatus()).isEqualTo(400);
    }

    @Test
    void prometheusGaugesCarryTheCapacityTotals() throws Exception {
        Api api = new Api(mvc);
        String totals = api.getJson("/api/v1/dashboard/capacity");
        long cpus = JsonPath.<Number>read(totals, "$.totals.cpus").longValue();
        long memoryMiB = JsonPath.<Number>read(totals, "$.totals.memoryMiB").longValue();
        // the gauges reuse one computation for 5 s: wait for a fresh one
        String scrape = await().atMost(Duration.ofSeconds(10)).until(() -> prometheus(),
                text -> gauge(text, "virtdeck_fleet_cpus") == cpus);
        assertThat(gauge(scrape, "virtdeck_fleet_memory_bytes")).isEqualTo(memoryMiB * 1024.0 * 1024.0);
        assertThat(gauge(scrape, "virtdeck_fleet_hosts_state{state=\"connected\"}"))
                .isEqualTo(JsonPath.<Number>read(totals, "$.hostStates.CONNECTED").doubleValue());
    }

    private static double gauge(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1))).orElse(Double.NaN);
    }

    private String prometheus() {
        try {
            return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                            .get("/actuator/prometheus").with(org.springframework.security.test.web.servlet.request
                                    .SecurityMockMvcRequestPostProcessors.httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andReturn().getResponse().getContentAsString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
