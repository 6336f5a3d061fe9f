package io.virtdeck.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * On the lab's real libvirtd + QEMU hosts: Virtdeck registers lab1 and lab2, starts tiny1, the guest boots (its
 * serial console shows the banner) and takes a DHCP lease on `default`, and Virtdeck's shutdown stops it through
 * ACPI within 10 s, the inventory following each change. Then `lab.sh up` again keeps one set of daemons and `down`
 * leaves none, all within two minutes.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabTinyGuestTest {

    private static final String BANNER = "Virtdeck tiny guest";
    private static final String TINY1_MAC = "52:54:00:1a:b1:01";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    /** When this class's part of the lab cycle (boot, shutdown, up again, down) began; see Lab.upTook. */
    private long cycleStartedAt;

    @Test
    @Order(1)
    void tiny1BootsTakesALeaseAndShutsDownThroughAcpi() throws Exception {
        cycleStartedAt = System.nanoTime();
        Api api = new Api(mvc);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        long lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        for (long host : new long[] {lab1, lab2}) {
            String facts = await().atMost(Duration.ofSeconds(30)).until(() -> json(api, "/api/v1/hosts/" + host),
                    body -> "CONNECTED".equals(JsonPath.read(body, "$.state")));
            assertThat(JsonPath.<String>read(facts, "$.capabilities.hypervisorType")).isEqualTo("QEMU");
        }
        // two distinct hosts, each with a NAT network `default` and a pool `images` over the one shared directory
        String images = Lab.DIR.resolve("images").toString();
        for (String[] lab : new String[][] {{Lab.LAB1, "1"}, {Lab.LAB2, "2"}}) {
            assertThat(Lab.virsh(lab[0], "capabilities"))
                    .contains("<uuid>7d1e0c5a-1ab0-4e5d-9c1a-00000000a00" + lab[1] + "</uuid>");
            assertThat(Lab.virsh(lab[0], "net-dumpxml", "default")).contains("<forward mode='nat'")
                    .contains("192.168.15" + (Integer.parseInt(lab[1]) - 1) + ".1");
            assertThat(Lab.virsh(lab[0], "net-info", "default")).containsPattern("Active:\\s+yes");
            assertThat(Lab.virsh(lab[0], "pool-dumpxml", "images")).contains("<path>" + images + "</path>");
        }
        long tiny1 = api.guestId(lab1, "tiny1");
        if (!"SHUTOFF".equals(state(tiny1))) { // left running by an interrupted earlier run
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        }

        long auditBefore = jdbc.sql("SELECT coalesce(max(id), 0) FROM audit_events").query(Long.class).single();
        long started = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        Path console = Lab.DIR.resolve("tiny1-console.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> read(console), text -> text.contains(BANNER));
        long bootMillis = (System.nanoTime() - started) / 1_000_000;
        // this boot's lease: the guest prints the address it was given (the console log starts anew each boot),
        // and libvirt's dnsmasq on `default` lists it for tiny1's MAC
        String boot = await().atMost(Duration.ofSeconds(60)).until(() -> read(console),
                text -> text.matches("(?s).*eth0 has address 192\\.168\\.150\\.\\d+.*"));
        String address = boot.replaceFirst("(?s).*eth0 has address (192\\.168\\.150\\.\\d+).*", "$1");
        String leases = await().atMost(Duration.ofSeconds(10)).until(
                () -> Lab.virsh(Lab.LAB1, "net-dhcp-leases", "default"),
                text -> text.contains(TINY1_MAC) && text.contains(address + "/"));
        long leaseMillis = (System.nanoTime() - started) / 1_000_000;

        long shutdownAt = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/shutdown", "")).andExpect(status().isOk());
        await().atMost(Duration.ofSeconds(10)).until(() -> state(tiny1), "SHUTOFF"::equals);
        long shutdownMillis = (System.nanoTime() - shutdownAt) / 1_000_000;

        System.out.printf("[lab] tiny1: banner %d ms after start, DHCP lease at %d ms (%s), ACPI shutdown seen by "
                + "the inventory in %d ms%n", bootMillis, leaseMillis, leases.trim(), shutdownMillis);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE object_id = :id AND outcome = 'SUCCESS' "
                        + "AND action IN ('guest.start', 'guest.shutdown') AND id > :before")
                .param("id", Long.toString(tiny1)).param("before", auditBefore)
                .query(Long.class).single()).as("this test's start and shutdown").isEqualTo(2);
    }

    @Test
    @Order(2)
    void runWithLabRegistersTheLabHostsBesideTheSimulatedOnes() throws Exception {
        // `./virtdeck run --lab` from a copy of the scripts, with a built jar in place and a `java` that only reports
        // what it was given: the lab is brought up and its hosts are handed to Virtdeck as bootstrap hosts
        Path root = Files.createTempDirectory("virtdeck-run-lab");
        Path repo = Lab.repoRoot();
        for (String file : new String[] {"virtdeck", "scripts/install-deps.sh", "scripts/lab.sh",
                "scripts/build-tiny-guest.sh", "scripts/build-busybox-rootfs.sh"}) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.copy(repo.resolve(file), root.resolve(file));
        }
        Files.createDirectories(root.resolve("app/target"));
        Files.writeString(root.resolve("app/target/virtdeck.jar"), "stand-in");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.writeString(bin.resolve("java"), "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.0\"' >&2; exit 0; fi\n"
                + "echo \"java $* BOOTSTRAP=$VIRTDECK_BOOTSTRAP_HOSTS DEMO=$VIRTDECK_DEMO\"\n");
        bin.resolve("java").toFile().setExecutable(true);
        ProcessBuilder run = new ProcessBuilder("bash", root.resolve("virtdeck").toString(), "run", "--lab")
                .redirectErrorStream(true);
        run.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        run.environment().remove("VIRTDECK_BOOTSTRAP_HOSTS");
        run.environment().remove("VIRTDECK_DEMO");
        Process process = run.start();
        assertThat(process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("java -jar " + root.resolve("app/target/virtdeck.jar"))
                .contains("BOOTSTRAP=lab1=" + Lab.LAB1 + ",lab2=" + Lab.LAB2)
                .contains("DEMO=simulated");
        assertThat(Lab.daemons()).hasSize(2 * Lab.DAEMONS.size());
    }

    @Test
    @Order(3)
    void upTwiceKeepsOneSetOfDaemonsAndDownLeavesNone() {
        java.util.Set<Long> daemons = Lab.daemons();
        long libvirtds = Lab.processes("libvirtd");
        assertThat(daemons).as("libvirtd, virtlogd, virtlockd and the heartbeat of lab1 and lab2")
                .hasSize(2 * Lab.DAEMONS.size());

        Lab.script("up");
        assertThat(Lab.daemons()).as("the same daemons after a second up").isEqualTo(daemons);
        assertThat(Lab.processes("libvirtd")).isEqualTo(libvirtds);

        Lab.script("down");
        assertThat(Lab.daemons()).as("after down: %s", Lab.daemonReport()).isEmpty();
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> Lab.processes("libvirtd"),
                n -> n == libvirtds - 2)).isEqualTo(libvirtds - 2);

        long totalSeconds = (Lab.upTook().toNanos() + System.nanoTime() - cycleStartedAt) / 1_000_000_000;
        System.out.printf("[lab] up + boot + shutdown + down: %d s%n", totalSeconds);
        assertThat(totalSeconds).isLessThan(120);
    }

    @Test
    @Order(4)
    void withoutRootTheLabRefusesWithTheReason() throws Exception {
        // a copy anyone may read, so the refusal is the script's own and not a file permission
        Path copy = Files.createTempFile("lab-", ".sh");
        Files.copy(Lab.repoRoot().resolve("scripts/lab.sh"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Process process = new ProcessBuilder("runuser", "-u", "nobody", "--", "bash", copy.toString(), "up")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("cannot run the lab on this machine: it needs root");
        Files.delete(copy);
    }

    private String state(long guest) {
        return jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", guest).query(String.class).single();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String json(Api api, String path) {
        return api.getJson(path);
    }
}
