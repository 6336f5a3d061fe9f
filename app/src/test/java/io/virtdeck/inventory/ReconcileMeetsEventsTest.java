package io.virtdeck.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Domains defined and undefined outside Virtdeck while reconciles run back to back, on a real libvirtd (serving the
 * test driver): a reconcile's listing, taken before some of those changes, must not undo what their events told. One
 * second after the last change the inventory holds exactly libvirt's domains, every round.
 */
@VirtdeckIntegrationTest
class ReconcileMeetsEventsTest {

    private static final int DOMAINS = 60;
    private static final int ROUNDS = 8;
    /** Changes sent per virsh run: the runs follow each other, so the changes span several reconciles. */
    private static final int BATCH = 10;

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    InventorySync sync;

    @Test
    void aReconcileNeverUndoesWhatEventsToldWhileItRan() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        long hostId = new Api(mvc).connectedHost("busy-definitions", DAEMON.uri());
        Path definitions = Files.createTempDirectory("race-domains");
        for (int round = 1; round <= ROUNDS; round++) {
            String prefix = "race-" + round + "-";
            List<String> commands = new ArrayList<>();
            for (int n = 0; n < DOMAINS; n++) {
                commands.add("define " + definition(definitions, prefix + n));
                if (n % 2 == 1) {
                    commands.add("undefine " + prefix + (n - 1)); // half go again, while listings still hold them
                }
            }

            AtomicBoolean changing = new AtomicBoolean(true);
            CompletableFuture<Integer> reconciles = CompletableFuture.supplyAsync(() -> {
                int passes = 0;
                while (changing.get()) {
                    sync.reconcileAll().join();
                    passes++;
                }
                return passes;
            });
            for (int from = 0; from < commands.size(); from += BATCH) {
                virsh(String.join(" ; ", commands.subList(from, Math.min(from + BATCH, commands.size()))));
            }
            changing.set(false);
            int passes = reconciles.join(); // the pass under way at the last change ends after it
            long lastChange = System.nanoTime();

            Set<String> libvirt = virsh("list --all --name").lines().map(String::trim)
                    .filter(name -> name.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
            assertThat(libvirt).hasSize(DOMAINS / 2);
            await("the inventory equal to libvirt's list, round " + round).atMost(Duration.ofSeconds(1))
                    .until(() -> inventory(hostId, prefix), libvirt::equals);
            System.out.printf("[ReconcileMeetsEventsTest] round %d: %d changes during %d reconciles; the inventory"
                            + " matched libvirt %d ms after the last%n", round, commands.size(), passes,
                    (System.nanoTime() - lastChange) / 1_000_000);
        }
    }

    private Set<String> inventory(long hostId, String prefix) {
        return new TreeSet<>(jdbc.sql("SELECT name FROM guests WHERE host_id = :host AND name LIKE :prefix")
                .param("host", hostId).param("prefix", prefix + "%").query(String.class).list());
    }

    private static String definition(Path directory, String name) throws IOException {
        Path file = directory.resolve(name + ".xml");
        Files.writeString(file, "<domain type='test'><name>" + name + "</name><memory unit='MiB'>64</memory>"
                + "<os><type>hvm</type></os></domain>");
        return file.toString();
    }

    /** One virsh run against the daemon, as another client of the host than Virtdeck. */
    private static String virsh(String commands) throws Exception {
        Process process = new ProcessBuilder("virsh", "-q", "-c", DAEMON.uri(), commands)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
