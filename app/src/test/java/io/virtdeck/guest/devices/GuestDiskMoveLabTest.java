package io.virtdeck.guest.devices;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * Moving a disk of running tiny1 on the lab to another pool: a cancelled move leaves the guest on its old volume with
 * no copy left behind; a move that runs to its end switches the guest over while it keeps answering on its serial
 * console, the guest reads the same bytes afterwards, its definition names the new pool's volume, and the old volume
 * is deleted as asked. The disk moved is a 64 MiB disk plugged in and filled with random bytes first (tiny1's own disk
 * holds too little to watch a copy go). Shut off, the disk moves back: libvirt copies the volume and tiny1's definition
 * names the copy; started again, tiny1 reads the same bytes.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestDiskMoveLabTest {

    private static final Path CONSOLE_LOG = Lab.DIR.resolve("tiny1-console.log");
    private static final String POOL = "vd-move";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    private Api api;
    private long lab1;
    private long tiny1;
    private String volume;
    private String checksum;

    @BeforeAll
    void tiny1RunningWithAFullDataDisk() throws Exception {
        api = new Api(mvc);
        Lab.tiny1BackOnLab1();
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        tiny1 = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "tiny1"), id -> id > 0);
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        removePool();
        mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/pools", "{\"name\":\"" + POOL + "\",\"type\":\"dir\","
                + "\"path\":\"" + Lab.DIR.resolve(POOL) + "\",\"build\":true}")).andExpect(status().isCreated());
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks",
                        "{\"pool\":\"images\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        volume = Path.of(JsonPath.<List<String>>read(body, "$.disks[?(@.target == 'vdb')].source").get(0))
                .getFileName().toString();
        guestSays("dd if=/dev/urandom of=/dev/vdb bs=1M count=48 2>/dev/null; sync; echo filled-$?", "filled-0",
                Duration.ofMinutes(2));
        checksum = vdbChecksum("before");
    }

    @AfterAll
    void unplugAndRemove() throws Exception {
        mvc.perform(api.delete("/api/v1/guests/" + tiny1 + "/disks/vdb"));
        for (String pool : List.of("images", POOL)) {
            Lab.virsh(Lab.LAB1, "pool-refresh", pool);
            if (Lab.virsh(Lab.LAB1, "vol-list", "--pool", pool).contains(volume)) {
                Lab.virsh(Lab.LAB1, "vol-delete", "--pool", pool, volume);
            }
        }
        removePool();
    }

    @Test
    @Order(1)
    void aCancelledMoveLeavesTheGuestOnItsOldDiskAndNoCopyBehind() throws Exception {
        String accepted = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vdb/move",
                        "{\"pool\":\"" + POOL + "\",\"bandwidthMiBPerSecond\":1}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        long task = JsonPath.<Number>read(accepted, "$.id").longValue();
        String running = await().atMost(Duration.ofSeconds(60)).until(() -> api.getJson("/api/v1/tasks/" + task),
                json -> JsonPath.<String>read(json, "$.message") != null
                        && JsonPath.<String>read(json, "$.message").matches("Copied [1-9].*"));
        System.out.println("[lab] move under way: " + JsonPath.read(running, "$.message"));
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", POOL)).as("the copy is being made").contains(volume);
        assertThat(Lab.virsh(Lab.LAB1, "blockjob", "tiny1", "vdb", "--info")).contains("Block Copy");

        mvc.perform(api.post("/api/v1/tasks/" + task + "/cancel", "")).andExpect(status().isOk());
        String done = api.taskWhenDone(task, Duration.ofSeconds(60));
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("CANCELLED");
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", "tiny1")).as("still on its old volume (named by pool)")
                .contains(volume).doesNotContain(POOL);
        assertThat(Lab.virsh(Lab.LAB1, "blockjob", "tiny1", "vdb", "--info")).as("the copy stopped")
                .doesNotContain("Block Copy");
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", POOL)).as("no copy left behind").doesNotContain(volume);
        assertThat(vdbChecksum("cancelled")).isEqualTo(checksum);
    }

    @Test
    @Order(2)
    void aMoveSwitchesTheRunningGuestOverWhileItAnswers() throws Exception {
        long started = System.nanoTime();
        String accepted = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vdb/move",
                        "{\"pool\":\"" + POOL + "\",\"deleteSource\":true,\"bandwidthMiBPerSecond\":8}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        long task = JsonPath.<Number>read(accepted, "$.id").longValue();
        List<String> seen = new ArrayList<>();
        int answers = 0;
        while (true) {
            String json = api.getJson("/api/v1/tasks/" + task);
            String message = JsonPath.read(json, "$.message");
            if (message != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(message))) {
                seen.add(message);
            }
            if (!List.of("QUEUED", "RUNNING").contains(JsonPath.<String>read(json, "$.state"))) {
                assertThat(JsonPath.<String>read(json, "$.state")).as(json).isEqualTo("SUCCEEDED");
                break;
            }
            // the guest goes on answering on its serial console while its disk is copied
            answers++;
            guestSays("echo alive-" + answers, "alive-" + answers, Duration.ofSeconds(30));
            assertThat(System.nanoTime() - started).as("the move ends").isLessThan(Duration.ofMinutes(3).toNanos());
        }
        System.out.printf("[lab] disk moved in %d ms; tiny1 answered %d times meanwhile; progress: %s%n",
                (System.nanoTime() - started) / 1_000_000, answers, seen);
        assertThat(answers).isGreaterThan(0);
        assertThat(seen).as("byte progress was reported").anyMatch(m -> m.matches("Copied [1-9][0-9.]* MiB of .*"));

        String moved = Lab.DIR.resolve(POOL).resolve(volume).toString();
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", "tiny1")).contains(moved);
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).as("its definition too").contains(moved);
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", "images")).as("the old volume deleted, as asked")
                .doesNotContain(volume);
        assertThat(vdbChecksum("moved")).as("the guest reads the same bytes").isEqualTo(checksum);
        mvc.perform(api.get("/api/v1/guests/" + tiny1)).andExpect(jsonPath("$.disks[?(@.target == 'vdb')].source")
                .value(moved));
        assertThat(Api.audited(jdbc, "guest.disk.move", "tiny1")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void aMoveToThePoolTheDiskIsInIsRefusedNamingThePool() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vda/move", "{\"pool\":\"images\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("pool"));
    }

    @Test
    @Order(4)
    void aShutOffGuestsDiskIsCopiedByLibvirtAndItsDefinitionNamesTheCopy() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", ""))
                .andExpect(status().is2xxSuccessful());
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + tiny1),
                "$.state"), "SHUTOFF"::equals);
        String before = Lab.DIR.resolve(POOL).resolve(volume).toString();
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).as("on the pool test 2 moved it to")
                .contains(before);
        long started = System.nanoTime();

        String done = api.succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vdb/move",
                "{\"pool\":\"images\",\"deleteSource\":true}")), Duration.ofMinutes(2));

        System.out.printf("[lab] shut-off disk moved in %d ms: %s%n", (System.nanoTime() - started) / 1_000_000,
                JsonPath.read(done, "$.message"));
        String moved = Lab.DIR.resolve("images").resolve(volume).toString();
        String definition = Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1");
        assertThat(definition).contains(moved).doesNotContain(before);
        assertThat(Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim()).as("it stays shut off").isEqualTo("shut off");
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", POOL)).as("the old volume deleted, as asked")
                .doesNotContain(volume);
        mvc.perform(api.get("/api/v1/guests/" + tiny1)).andExpect(jsonPath("$.disks[?(@.target == 'vdb')].source")
                .value(moved));

        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        assertThat(vdbChecksum("offline")).as("the guest reads the same bytes from the copy").isEqualTo(checksum);
    }

    /** The MD5 of the first 48 MiB of tiny1's vdb, as the guest reads it. */
    private String vdbChecksum(String tag) {
        String log = Lab.consoleSays(Lab.LAB1, "tiny1", "echo sum-" + tag + "-$(dd if=/dev/vdb bs=1M count=48"
                + " 2>/dev/null | md5sum)");
        Matcher found = Pattern.compile("sum-" + tag + "-([0-9a-f]{32})").matcher(log);
        assertThat(found.find()).as(log).isTrue();
        return found.group(1);
    }

    private void removePool() {
        if (Lab.virsh(Lab.LAB1, "pool-list", "--all", "--name").contains(POOL)) {
            Lab.virsh(Lab.LAB1, "pool-destroy", POOL);
            Lab.virsh(Lab.LAB1, "pool-undefine", POOL);
        }
    }

    /** Runs a command on tiny1's serial console and waits for its output in the console's log; returns the log. */
    private static String guestSays(String command, String expected, Duration limit) {
        return await().atMost(limit).pollInterval(Duration.ofSeconds(2)).until(() -> {
            Lab.consoleRuns(Lab.LAB1, "tiny1", command + " >/dev/ttyS0");
            return log();
        }, text -> text.contains(expected));
    }

    private static String log() {
        try {
            return Files.readString(CONSOLE_LOG, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
