package io.virtdeck.ha;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tiny1, HA, loses its host for real; the lab's hosts write their heartbeats in pool {@code heartbeat}. When all of
 * lab1 dies (libvirtd, virtlockd, its heartbeat, tiny1's QEMU), tiny1 runs on lab2 within a minute, booted from the
 * same disk. When only lab1's libvirtd dies (isolation: tiny1's QEMU lives on and holds its disk), lab1's heartbeat
 * goes on, so lab1 is not declared lost, and says so; once the administrator confirms it down, no second tiny1 ever
 * starts while the old QEMU holds the disk: the restart waits, saying why, until that QEMU is gone. When tiny1 shares
 * an anti-affinity group with a guest on lab2, the only survivor, it is not started there, and the restart says why.
 * The context is closed afterwards: no HA watch of it outlives the class.
 */
@VirtdeckServerTest
@UsesLab
@TestPropertySource(properties = {"virtdeck.ha.grace=10s", "virtdeck.ha.retry=2s",
        "virtdeck.ha.heartbeat-pool=heartbeat"})
@DirtiesContext
class HaLabTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    AdminApi api;
    long lab1;
    long tiny1;

    @BeforeEach
    void tiny1RunsOnLab1AndIsHa() throws Exception {
        api = new AdminApi(port);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        api.hostIdOrRegister("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            Lab.virsh(Lab.LAB1, "start", "tiny1");
        }
        tiny1 = api.guestIdOn(lab1, "tiny1");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT state FROM guests WHERE id = :id")
                .param("id", tiny1).query(String.class).single(), "RUNNING"::equals);
        HttpResponse<String> on = api.call("PUT", "/api/v1/guests/" + tiny1 + "/ha",
                "{\"enabled\":true,\"priority\":10}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(Lab.qemuPids("tiny1")).hasSize(1);
    }

    @Test
    void whenAllOfLab1DiesTiny1RunsOnLab2WithinAMinute() throws Exception {
        int before = restarts();
        long killed = System.nanoTime();
        java.sql.Timestamp killedAt = java.sql.Timestamp.from(Instant.now());
        try {
            killAllOfLab1();
            String ha = await("tiny1 running elsewhere").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(this::haOfTiny1, body -> restarted(body, before));
            long toRunning = (System.nanoTime() - killed) / 1_000_000;

            assertThat(JsonPath.<String>read(ha, "$.restarts[0].toHost")).isEqualTo("lab2");
            assertThat(Lab.virsh(Lab.LAB2, "domstate", "tiny1").trim()).isEqualTo("running");
            Duration answered = Lab.consoleAnswers(Lab.LAB2, "tiny1"); // its shell, from the same disk
            Instant lostSince = Instant.parse(JsonPath.read(ha, "$.restarts[0].lostSince"));
            Instant declared = Instant.parse(JsonPath.read(ha, "$.restarts[0].declaredAt"));
            Instant started = Instant.parse(JsonPath.read(ha, "$.restarts[0].startedAt"));
            System.out.printf("[lab] HA: lab1 killed -> tiny1 running on lab2 in %d ms (lost seen to declared %d ms,"
                            + " the grace being 10 s, heartbeat unwritten as long; declared to running %d ms); its"
                            + " shell answered in %d ms%n",
                    toRunning, Duration.between(lostSince, declared).toMillis(),
                    Duration.between(declared, started).toMillis(), answered.toMillis());
            assertThat(toRunning).isLessThan(60_000);
            long task = ((Number) JsonPath.read(ha, "$.restarts[0].taskId")).longValue();
            assertThat(api.finished(task, Duration.ofSeconds(10))).contains("\"state\":\"SUCCEEDED\"")
                    .containsPattern("Restarted 'tiny1' on host 'lab2', \\d+ s after host 'lab1' stopped answering"
                            + " \\(declared lost after 10 s\\)\\.");
            assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'guest.ha.restart' AND outcome ="
                    + " 'SUCCESS' AND object_name = 'tiny1' AND at > :killed").param("killed", killedAt)
                    .query(String.class).list()).singleElement().asString().startsWith("Restarted 'tiny1' on host"
                    + " 'lab2'");
        } finally {
            backToNormal();
        }
    }

    @Test
    void whenOnlyLab1sLibvirtdDiesItsHeartbeatKeepsItUndeclaredAndNoSecondTiny1StartsUntilTheOldOneIsGone()
            throws Exception {
        long oldQemu = Lab.qemuPids("tiny1").get(0);
        int before = restarts();
        try {
            kill(List.of(Lab.libvirtdPid("lab1")));
            long killed = System.nanoTime();
            // past the grace and several rounds more: the heartbeat, still written, keeps lab1 from being declared
            String fresh = await("lab1 silent past the grace, its heartbeat fresh").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250)).until(this::haOfTiny1, body -> JsonPath.read(body,
                            "$.hostCheck") != null && System.nanoTime() - killed > Duration.ofSeconds(16).toNanos()
                            && JsonPath.<String>read(body, "$.hostCheck.reason").contains("was written within"));
            String check = JsonPath.read(fresh, "$.hostCheck.reason");
            System.out.printf("[lab] HA, lab1 isolated, heartbeat on: %s%n", check);
            assertThat(check).contains("Host 'lab1' has not answered for", "its heartbeat on pool 'heartbeat' was"
                    + " written within the last", "(read through 'lab2')", "its guests may still run",
                    "not restarted");
            assertThat(JsonPath.<Boolean>read(fresh, "$.hostCheck.declared")).isFalse();
            assertThat(restarts(fresh)).as("no restart of tiny1").isEqualTo(before);
            assertThat(api.get("/api/v1/ha")).contains("was written within the last");

            HttpResponse<String> confirmed = api.call("POST", "/api/v1/hosts/" + lab1 + "/confirm-down", null);
            assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(204);
            String waiting = await("the restart waiting on the disk's lease").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(this::haOfTiny1, body -> restarts(body) > before
                            && "WAITING".equals(JsonPath.read(body, "$.restarts[0].state"))
                            && JsonPath.read(body, "$.restarts[0].reason") != null);
            String reason = JsonPath.read(waiting, "$.restarts[0].reason");
            System.out.printf("[lab] HA, lab1 isolated: the restart waits: %s%n", reason);
            assertThat(reason).contains("did not start on host 'lab2'", "disks are still held", "host 'lab1'");
            // through several tries of the restart: each starts a QEMU on lab2 that cannot take the disk and ends
            Map<Long, Long> tries = new HashMap<>(); // pid -> when first seen
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                List<Long> running = Lab.qemuPids("tiny1");
                assertThat(running).as("tiny1's QEMU on lab1").contains(oldQemu);
                long now = System.nanoTime();
                running.stream().filter(pid -> pid != oldQemu).forEach(pid -> tries.putIfAbsent(pid, now));
                tries.forEach((pid, seen) -> {
                    if (running.contains(pid)) {
                        assertThat(Duration.ofNanos(now - seen)).as("a second QEMU of tiny1 (pid %d) lives on", pid)
                                .isLessThan(Duration.ofSeconds(3));
                    }
                });
                assertThat(JsonPath.<String>read(haOfTiny1(), "$.restarts[0].state")).isEqualTo("WAITING");
                Thread.sleep(250);
            }
            System.out.printf("[lab] HA, lab1 isolated: %d start(s) on lab2 seen ending, tiny1's QEMU on lab1 kept"
                    + " its disk%n", tries.size());
            assertThat(Lab.virsh(Lab.LAB2, "domstate", "tiny1")).doesNotContain("running");
            assertThat(heldLeases()).as("tiny1's disk lease, held for the old QEMU").isNotEmpty();
            assertThat(JsonPath.<String>read(haOfTiny1(), "$.hostCheck.reason"))
                    .isEqualTo("Host 'lab1' was confirmed down by admin: declared lost.");

            kill(List.of(oldQemu));
            await("tiny1 running on lab2 once the old one is gone").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(this::haOfTiny1, body -> restarted(body, before));
            assertThat(Lab.virsh(Lab.LAB2, "domstate", "tiny1").trim()).isEqualTo("running");
            assertThat(Lab.qemuPids("tiny1")).hasSize(1).doesNotContain(oldQemu);
            assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'host.confirm-down' AND outcome ="
                    + " 'SUCCESS' AND object_name = 'lab1'").query(Long.class).single()).isOne();
        } finally {
            backToNormal();
        }
    }

    @Test
    void whenTiny1SharesAnAntiAffinityGroupWithAGuestOnLab2ItIsNotRestartedThere() throws Exception {
        long lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        Lab.virsh(Lab.LAB2, "vol-create-as", "images", "replica2.qcow2", "8M", "--format", "qcow2");
        Lab.defineDiskOnlyGuest(Lab.LAB2, "replica2", "images", "replica2.qcow2");
        Lab.virsh(Lab.LAB2, "start", "replica2");
        long replica2 = api.guestIdOn(lab2, "replica2");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT state FROM guests WHERE id = :id")
                .param("id", replica2).query(String.class).single(), "RUNNING"::equals);
        HttpResponse<String> group = api.call("PUT", "/api/v1/anti-affinity-groups/replicas",
                "{\"guests\":[" + tiny1 + "," + replica2 + "]}");
        assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
        int before = restarts();
        try {
            killAllOfLab1();
            String waiting = await("the restart refused by the group").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(this::haOfTiny1, body -> restarts(body) > before
                            && JsonPath.read(body, "$.restarts[0].reason") != null);
            String reason = JsonPath.read(waiting, "$.restarts[0].reason");
            System.out.printf("[lab] HA, tiny1 and replica2 (on lab2) in one group: %s%n", reason);
            assertThat(JsonPath.<String>read(waiting, "$.restarts[0].state")).isEqualTo("WAITING");
            assertThat(reason).contains("no host can run it now", "'tiny1' never runs with 'replica2'"
                    + " (anti-affinity group 'replicas'), which runs on host 'lab2'");
            Thread.sleep(Duration.ofSeconds(5).toMillis()); // two more tries, each refused the same way
            assertThat(JsonPath.<String>read(haOfTiny1(), "$.restarts[0].state")).isEqualTo("WAITING");
            assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("tiny1");
            assertThat(Lab.qemuPids("tiny1")).isEmpty();
        } finally {
            api.call("DELETE", "/api/v1/anti-affinity-groups/replicas", null);
            Lab.virsh(Lab.LAB2, "destroy", "replica2");
            Lab.virsh(Lab.LAB2, "undefine", "replica2");
            Lab.virsh(Lab.LAB2, "vol-delete", "replica2.qcow2", "--pool", "images");
            backToNormal();
        }
    }

    /** lab1's libvirtd, virtlockd and heartbeat, and tiny1's QEMU: the host gone as a whole. */
    private static void killAllOfLab1() throws Exception {
        List<Long> lab1Whole = new ArrayList<>(Lab.qemuPids("tiny1"));
        lab1Whole.add(Lab.libvirtdPid("lab1"));
        lab1Whole.add(Lab.daemonPid("lab1", "virtlockd").orElseThrow());
        lab1Whole.add(Lab.daemonPid("lab1", "virtdeck-heartbeat").orElseThrow());
        kill(lab1Whole);
    }

    private String haOfTiny1() throws Exception {
        return api.get("/api/v1/guests/" + tiny1 + "/ha");
    }

    /** A restart newer than the {@code before} there were runs. */
    private static boolean restarted(String ha, int before) {
        return restarts(ha) > before && "RUNNING".equals(JsonPath.read(ha, "$.restarts[0].state"));
    }

    private int restarts() throws Exception {
        return restarts(haOfTiny1());
    }

    private static int restarts(String ha) {
        return JsonPath.<List<Object>>read(ha, "$.restarts").size();
    }

    /** The lease files in the lab's lockspace that a process holds a lock on now (listed in /proc/locks). */
    private static List<Path> heldLeases() throws IOException {
        String locks = Files.readString(Path.of("/proc/locks"));
        try (Stream<Path> leases = Files.list(Lab.DIR.resolve("locks"))) {
            return leases.filter(lease -> {
                try {
                    Object inode = Files.readAttributes(lease, BasicFileAttributes.class).fileKey();
                    String number = String.valueOf(inode).replaceAll(".*ino=(\\d+).*", "$1");
                    return locks.lines().anyMatch(line -> line.matches(".*:" + number + " .*"));
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    private static void kill(List<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-KILL"));
        pids.forEach(pid -> command.add(pid.toString()));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(kill.waitFor()).as(new String(kill.getInputStream().readAllBytes())).isZero();
    }

    /**
     * HA off (so that nothing here acts on the lab again), the copy on lab2 gone, lab1 back up with tiny1's own
     * definition, tiny1 home on lab1.
     */
    private void backToNormal() throws Exception {
        api.call("PUT", "/api/v1/guests/" + tiny1 + "/ha", "{\"enabled\":false}");
        await("no restart waiting").atMost(Duration.ofSeconds(15)).until(this::haOfTiny1, body -> restarts(body) == 0
                || !"WAITING".equals(JsonPath.read(body, "$.restarts[0].state")));
        Lab.virsh(Lab.LAB2, "destroy", "tiny1");
        Lab.virsh(Lab.LAB2, "undefine", "tiny1");
        Lab.script("up");
        Lab.tiny1BackOnLab1();
    }
}
