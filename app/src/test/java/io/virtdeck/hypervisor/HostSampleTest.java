package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bulk statistics call against libvirt's test driver, which answers virConnectGetAllDomainStats with the state
 * group only: CPU time and memory then come from virDomainGetInfo; disks and NICs stay unknown (null).
 */
@VirtdeckIntegrationTest
class HostSampleTest {

    private static final UUID ALPHA_WEB = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final UUID BETA_DB = UUID.fromString("22222222-2222-4222-8222-222222222222");

    @Autowired
    MockMvc mvc;
    @Autowired
    ConnectionGateway connectionGateway;
    @Autowired
    HostGateway hostGateway;

    @Test
    void oneCallReturnsTheRunningAndPausedGuestsWithCpuTimeAndMemoryAndTheHostsCounters() throws Exception {
        long hostId = new Api(mvc).registerHost("stats-host", TestHosts.smallHost());
        // registration returns while the shared connection is still opening
        await().atMost(Duration.ofSeconds(10)).until(() -> connectionGateway.state(hostId),
                ConnectionState.CONNECTED::equals);

        HostSample first = hostGateway.sample(hostId);
        HostSample second = hostGateway.sample(hostId);

        // gamma-build is shut off: only active domains are asked for
        assertThat(first.guests()).extracting(GuestCounters::uuid).containsExactlyInAnyOrder(ALPHA_WEB, BETA_DB);
        GuestCounters alpha = first.guests().stream().filter(g -> g.uuid().equals(ALPHA_WEB)).findFirst().orElseThrow();
        assertThat(alpha.memoryKiB()).isEqualTo(1024L * 1024);
        assertThat(alpha.cpuTimeNs()).isPositive();
        assertThat(alpha.diskReadBytes()).isNull();
        assertThat(alpha.netRxBytes()).isNull();
        GuestCounters alphaLater = second.guests().stream().filter(g -> g.uuid().equals(ALPHA_WEB)).findFirst()
                .orElseThrow();
        assertThat(alphaLater.cpuTimeNs()).isGreaterThan(alpha.cpuTimeNs());

        // the test driver's node CPU times are fixed numbers; its memory comes from node info minus running guests
        // (alpha-web 1 GiB + beta-db 2 GiB of 16 GiB)
        assertThat(first.host().cpuTotalNs()).isPositive();
        assertThat(first.host().cpuBusyNs()).isPositive().isLessThan(first.host().cpuTotalNs());
        assertThat(first.host().memoryTotalKiB()).isEqualTo(16L * 1024 * 1024);
        assertThat(first.host().memoryUsedKiB()).isEqualTo(3L * 1024 * 1024);
    }

    @Test
    void qemuShapedRecordsAreSummedOverDisksAndNicsAndPreferTheGuestsOwnMemoryUse() {
        UUID uuid = UUID.randomUUID();
        Map<String, Long> fields = Map.ofEntries(
                Map.entry("state.state", 1L), Map.entry("cpu.time", 5_000L),
                Map.entry("balloon.current", 65_536L), Map.entry("balloon.available", 60_000L),
                Map.entry("balloon.unused", 20_000L),
                Map.entry("block.count", 2L),
                Map.entry("block.0.rd.bytes", 100L), Map.entry("block.1.rd.bytes", 23L),
                Map.entry("block.0.wr.bytes", 7L), Map.entry("block.0.rd.reqs", 3L),
                Map.entry("block.1.wr.reqs", 4L),
                Map.entry("net.count", 1L), Map.entry("net.0.rx.bytes", 900L), Map.entry("net.0.tx.bytes", 80L));

        GuestCounters counters = DomainStatsReader.guest(new LibvirtNative.DomainStatsRecord(uuid, fields, null, null));

        assertThat(counters).isEqualTo(new GuestCounters(uuid, 5_000L, 40_000L, 123L, 7L, 3L, 4L, 900L, 80L));
    }

    @Test
    void linuxNodeStatsCountBusyAsAllButIdleAndIowaitAndUsedMemoryWithoutCaches() {
        HostCounters host = DomainStatsReader.host(
                Map.of("kernel", 10L, "user", 30L, "idle", 50L, "iowait", 10L),
                Map.of("total", 1000L, "free", 300L, "buffers", 50L, "cached", 150L), 0, 0);

        assertThat(host).isEqualTo(new HostCounters(40L, 100L, 1000L, 500L));
    }
}
