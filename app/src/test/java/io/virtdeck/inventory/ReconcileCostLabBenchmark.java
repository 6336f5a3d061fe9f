package io.virtdeck.inventory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a reconcile costs at 500 guests on a real libvirtd (lab1, QEMU driver; the guests defined, shut off): the full
 * read (every domain's XML and facts) against the check (bulk summaries, nothing changed), in wall time, the
 * libvirtd's CPU time and this JVM's. Prints figures; asserts only that both leave the inventory right.
 * {@code mvn -B -pl app -am test -Pbenchmark -Dtest=ReconcileCostLabBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@UsesLab
@VirtdeckIntegrationTest
class ReconcileCostLabBenchmark {

    private static final int GUESTS = 500;
    private static final int PASSES = 5;
    private static final String PREFIX = "cost-";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    InventorySync sync;

    @Test
    void fullReadAgainstCheckAt500Guests() throws Exception {
        long lab1 = new Api(mvc).connectedHost("lab1", Lab.LAB1);
        Path definitions = Files.createTempDirectory("cost-domains");
        List<String> define = new ArrayList<>();
        List<String> undefine = new ArrayList<>();
        for (int n = 0; n < GUESTS; n++) {
            Path xml = definitions.resolve(PREFIX + n + ".xml");
            Files.writeString(xml, "<domain type='qemu'><name>" + PREFIX + n + "</name><memory unit='MiB'>64</memory>"
                    + "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>");
            define.add("define " + xml);
            undefine.add("undefine " + PREFIX + n);
        }
        virsh(String.join(" ; ", define));
        try {
            await().atMost(Duration.ofSeconds(60)).until(this::inventoried, n -> n == GUESTS);
            long libvirtd = Lab.libvirtdPid("lab1");
            measure("full read (every domain's XML and facts)", libvirtd, () -> sync.syncHost(lab1));
            measure("check (bulk summaries, nothing changed)", libvirtd, () -> sync.checkHost(lab1));
            assertThat(inventoried()).isEqualTo(GUESTS);
        } finally {
            virsh(String.join(" ; ", undefine));
        }
    }

    private void measure(String what, long libvirtd, Runnable reconcile) throws Exception {
        reconcile.run(); // warm
        long wall = System.nanoTime();
        long daemonTicks = cpuTicks(libvirtd);
        long ownNanos = ownCpuNanos();
        for (int i = 0; i < PASSES; i++) {
            reconcile.run();
        }
        System.out.printf("[bench] reconcile of %d guests on lab1, %s: %.0f ms a pass; libvirtd %.2f CPU-s, Virtdeck"
                        + " %.2f CPU-s a pass%n", GUESTS, what, (System.nanoTime() - wall) / 1e6 / PASSES,
                (cpuTicks(libvirtd) - daemonTicks) / 100.0 / PASSES, (ownCpuNanos() - ownNanos) / 1e9 / PASSES);
    }

    private long inventoried() {
        return jdbc.sql("SELECT count(*) FROM guests WHERE name LIKE :prefix").param("prefix", PREFIX + "%")
                .query(Long.class).single();
    }

    /** utime + stime of a process, in clock ticks (100 a second). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private static void virsh(String commands) throws Exception {
        Process process = new ProcessBuilder("virsh", "-q", "-c", Lab.LAB1, commands).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
