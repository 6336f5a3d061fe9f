package io.virtdeck.migration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
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
 * Migration and maintenance on the lab's two real libvirtd + QEMU hosts, with the bootable tiny1: live there and back
 * with the guest answering on its serial console each time, a cancelled migration, the checks that refuse before
 * anything starts, and maintenance emptying lab1. (lab1 and lab2 share one image directory that libvirt cannot
 * recognise as shared storage, hence {@code unsafe}.)
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationLabTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    private Api api;
    private long lab1;
    private long lab2;
    private long tiny1;

    @BeforeAll
    void tiny1RunsOnLab1() throws Exception {
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
        tiny1 = api.guestId(lab1, "tiny1");
        if (!"RUNNING".equals(guest("$.state"))) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1"); // booted to its shell
    }

    @Test
    @Order(1)
    void liveMigrationThereAndBackKeepsTheGuestAnswering() throws Exception {
        long task = migrate("{\"targetHostId\":" + lab2 + ",\"unsafe\":true}");
        long inventoryLagMillis = inventoryLagBehindLibvirt(Lab.LAB2, lab2);
        Task done = finished(task);
        assertThat(done.state).as(done.message).isEqualTo("SUCCEEDED");
        assertThat(done.message).contains("moved from lab1 to lab2").contains("live");
        assertThat(guestHost()).as("the same guest row, now on lab2").isEqualTo(lab2);
        assertThat(guest("$.state")).isEqualTo("RUNNING");
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).doesNotContain("tiny1");
        Duration answered = Lab.consoleAnswers(Lab.LAB2, "tiny1");

        long back = migrate("{\"targetHostId\":" + lab1 + ",\"unsafe\":true,\"maxDowntimeMs\":500,"
                + "\"autoConverge\":true}");
        Task returned = finished(back);
        assertThat(returned.state).as(returned.message).isEqualTo("SUCCEEDED");
        assertThat(guestHost()).isEqualTo(lab1);
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        assertThat(Api.audited(jdbc, "guest.migrate", "tiny1")).isGreaterThanOrEqualTo(2);
        System.out.printf("[lab] live migration lab1 -> lab2: %s; inventory on lab2 %d ms after libvirt; console"
                + " answered in %d ms; back: %s%n", done.message, inventoryLagMillis, answered.toMillis(),
                returned.message);
        // measured 23-30 ms, read from the inventory's table against libvirt's own event timestamps
        assertThat(inventoryLagMillis).as("the inventory shows the guest on its new host within 1 s of libvirt's event")
                .isLessThan(1000);
    }

    @Test
    @Order(2)
    void aCancelledMigrationLeavesTheGuestRunningOnItsSource() throws Exception {
        long task = migrate("{\"targetHostId\":" + lab2 + ",\"unsafe\":true,\"bandwidthMiBps\":2}");
        // libvirt's job statistics arrive as progress while the (throttled) copy runs
        Task copying = await().atMost(Duration.ofSeconds(20)).until(() -> task(task),
                t -> t.progress > 0 && t.message != null && t.message.contains("MiB left"));
        assertThat(copying.message).contains("Copying memory of 'tiny1' to lab2").contains("MiB/s");
        assertThat(guest("$.state")).isEqualTo("MIGRATING");

        mvc.perform(api.post("/api/v1/tasks/" + task + "/cancel", "")).andExpect(status().isOk());
        Task cancelled = finished(task);
        assertThat(cancelled.state).as(cancelled.message).isEqualTo("CANCELLED");
        assertThat(cancelled.message).contains("stays on lab1");
        assertThat(guestHost()).isEqualTo(lab1);
        assertThat(guest("$.state")).isEqualTo("RUNNING");
        assertThat(Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim()).isEqualTo("running");
        assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("tiny1");
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
    }

    @Test
    @Order(3)
    void checksRefuseBeforeAnythingStarts() throws Exception {
        long tasksBefore = count("tasks");
        refused("{\"targetHostId\":" + lab1 + "}", 409, "'tiny1' is already on host 'lab1'");
        refused("{}", 400, "targetHostId is required");
        refused("{\"targetHostId\":999999}", 400, "There is no host with id 999999");
        refused("{\"targetHostId\":" + lab2 + ",\"bandwidthMiBps\":0}", 400, "bandwidthMiBps must be between");
        refused("{\"targetHostId\":" + lab2 + ",\"live\":false}", 409, "offline migration moves a stopped guest");

        // a host in maintenance takes no guests
        mvc.perform(api.post("/api/v1/hosts/" + lab2 + "/maintenance", "{\"enabled\":true}"))
                .andExpect(status().isAccepted());
        await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson("/api/v1/hosts/" + lab2),
                body -> "MAINTENANCE".equals(JsonPath.read(body, "$.state")));
        refused("{\"targetHostId\":" + lab2 + "}", 409, "Host 'lab2' is in maintenance");
        mvc.perform(api.post("/api/v1/hosts/" + lab2 + "/maintenance", "{\"enabled\":false}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("CONNECTED"))
                .andExpect(jsonPath("$.maintenance").value(false));

        // an unreachable host takes no guests
        try (TestLibvirtDaemon daemon = new TestLibvirtDaemon()) {
            daemon.start();
            long ghost = api.registerHost("ghost", daemon.uri());
            daemon.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson("/api/v1/hosts/" + ghost),
                    body -> "UNREACHABLE".equals(JsonPath.read(body, "$.state")));
            refused("{\"targetHostId\":" + ghost + "}", 409, "Host 'ghost' cannot be reached");
            mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                    .delete("/api/v1/hosts/" + ghost).with(org.springframework.security.test.web.servlet.request
                            .SecurityMockMvcRequestPostProcessors.httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andExpect(status().isNoContent());
        }
        assertThat(count("tasks")).as("the refusals above started no task").isEqualTo(tasksBefore + 1);

        // a guest already migrating: a second migration and a power action are refused while its task runs
        long slow = migrate("{\"targetHostId\":" + lab2 + ",\"unsafe\":true,\"bandwidthMiBps\":2}");
        refused("{\"targetHostId\":" + lab2 + ",\"unsafe\":true}", 409, "'tiny1' is busy: task " + slow);
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/reboot", ""))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("busy: task " + slow)));
        mvc.perform(api.post("/api/v1/tasks/" + slow + "/cancel", "")).andExpect(status().isOk());
        assertThat(finished(slow).state).isEqualTo("CANCELLED");
        assertThat(guestHost()).isEqualTo(lab1);
        assertThat(guest("$.state")).isEqualTo("RUNNING");
    }

    @Test
    @Order(4)
    void maintenanceOnLab1EvacuatesItsRunningGuestsToLab2() throws Exception {
        String body = mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/maintenance",
                        "{\"enabled\":true,\"unsafe\":true}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        long task = ((Number) JsonPath.read(body, "$.id")).longValue();
        Task done = finished(task);
        assertThat(done.state).as(done.message).isEqualTo("SUCCEEDED");
        assertThat(done.message).contains("Host 'lab1' is in maintenance").contains("'tiny1' to lab2");
        assertThat(JsonPath.<String>read(api.getJson("/api/v1/hosts/" + lab1), "$.state")).isEqualTo("MAINTENANCE");
        assertThat(guestHost()).isEqualTo(lab2);
        Lab.consoleAnswers(Lab.LAB2, "tiny1");
        refused("{\"targetHostId\":" + lab1 + ",\"unsafe\":true}", 409, "Host 'lab1' is in maintenance");

        mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/maintenance", "{\"enabled\":false}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("CONNECTED"));
        assertThat(finished(migrate("{\"targetHostId\":" + lab1 + ",\"unsafe\":true}")).state)
                .isEqualTo("SUCCEEDED");
        assertThat(guestHost()).isEqualTo(lab1);
    }

    @Test
    @Order(5)
    void postCopyCarriesAGuestThatDirtiesMemoryFasterThanItCanBeCopied() throws Exception {
        // tiny1 rewrites 16 MiB again and again, faster than 4 MiB/s can copy it: pre-copy alone would never end
        String dirtying = "touch /run/dirty.on; (while [ -f /run/dirty.on ]; do dd if=/dev/urandom of=/run/dirty"
                + " bs=1M count=16 2>/dev/null; done) &";
        Lab.consoleRuns(Lab.LAB1, "tiny1", dirtying);
        try {
            Task done = finished(migrate("{\"targetHostId\":" + lab2 + ",\"unsafe\":true,\"bandwidthMiBps\":4,"
                    + "\"postCopy\":true}"));
            assertThat(done.state).as(done.message).isEqualTo("SUCCEEDED");
            assertThat(done.message).contains("moved from lab1 to lab2 (live, post-copy");
            assertThat(guestHost()).isEqualTo(lab2);
            System.out.printf("[lab] post-copy migration: %s%n", done.message);
        } finally {
            String host = Lab.virsh(Lab.LAB2, "list", "--name").contains("tiny1") ? Lab.LAB2 : Lab.LAB1;
            Lab.consoleRuns(host, "tiny1", "rm -f /run/dirty.on /run/dirty");
        }
        assertThat(finished(migrate("{\"targetHostId\":" + lab1 + ",\"unsafe\":true}")).state).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(6)
    void offlineMigrationMovesAStoppedGuestsDefinition() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        Task there = finished(migrate("{\"targetHostId\":" + lab2 + "}")); // stopped: offline without asking
        assertThat(there.state).as(there.message).isEqualTo("SUCCEEDED");
        assertThat(there.message).contains("offline");
        assertThat(guestHost()).isEqualTo(lab2);
        assertThat(guest("$.state")).isEqualTo("SHUTOFF");
        assertThat(Lab.virsh(Lab.LAB2, "domstate", "tiny1").trim()).isEqualTo("shut off");
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).doesNotContain("tiny1");

        Task back = finished(migrate("{\"targetHostId\":" + lab1 + ",\"live\":false}"));
        assertThat(back.state).as(back.message).isEqualTo("SUCCEEDED");
        assertThat(guestHost()).isEqualTo(lab1);
    }

    /**
     * Listens to libvirt's own events on the target (virsh event, with libvirt's timestamps) while polling the
     * inventory; returns how long after libvirt announced the guest resumed on the target the inventory showed it
     * running there.
     */
    private long inventoryLagBehindLibvirt(String targetUri, long targetHostId) throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempFile("virsh-events", ".log");
        // all domains: tiny1 does not exist on the target until the migration creates it there
        Process events = new ProcessBuilder("stdbuf", "-oL", "virsh", "-c", targetUri, "event", "--all",
                "--loop", "--timestamp").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            // the inventory itself, read straight from its table: what every page and API answer shows
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("SELECT host_id = :target AND state = 'RUNNING'"
                    + " FROM guests WHERE id = :id").param("target", targetHostId).param("id", tiny1)
                    .query(Boolean.class).single(), shown -> shown);
            java.time.Instant shownAt = java.time.Instant.now();
            // the first of "Defined" (made persistent there) and "Resumed" (its CPUs run there): it has arrived
            Pattern arrival = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}\\.\\d{3})"
                    + "([+-]\\d{2})(\\d{2}): event 'lifecycle' for domain '?tiny1'?: (Resumed|Defined)");
            String output = await("virsh's line for tiny1's arrival on the target").atMost(Duration.ofSeconds(10))
                    .until(() -> java.nio.file.Files.readString(log, StandardCharsets.UTF_8),
                            text -> arrival.matcher(text).find());
            events.destroy();
            events.waitFor();
            Matcher arrived = arrival.matcher(output);
            assertThat(arrived.find()).isTrue();
            java.time.Instant announcedAt = java.time.OffsetDateTime.parse(arrived.group(1)
                    + "T" + arrived.group(2) + arrived.group(3) + ":" + arrived.group(4)).toInstant();
            System.out.printf("[lab] libvirt's events on the target, inventory showed tiny1 there at %s:%n%s",
                    shownAt, output);
            return Duration.between(announcedAt, shownAt).toMillis();
        } finally {
            events.destroyForcibly();
            java.nio.file.Files.deleteIfExists(log);
        }
    }

    private long migrate(String json) throws Exception {
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/migrate", json))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(body, "$.id")).longValue();
    }

    private void refused(String json, int status, String message) throws Exception {
        String hostBefore = api.getJson("/api/v1/guests/" + tiny1);
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/migrate", json))
                .andExpect(status().is(status))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(message)));
        assertThat(JsonPath.<Number>read(api.getJson("/api/v1/guests/" + tiny1), "$.hostId").longValue())
                .as("nothing changed").isEqualTo(JsonPath.<Number>read(hostBefore, "$.hostId").longValue());
    }

    private record Task(String state, int progress, String message) {
    }

    private Task task(long id) {
        String body = api.getJson("/api/v1/tasks/" + id);
        return new Task(JsonPath.read(body, "$.state"), JsonPath.<Number>read(body, "$.progress").intValue(),
                JsonPath.read(body, "$.message"));
    }

    private Task finished(long id) {
        return await().atMost(Duration.ofSeconds(90)).until(() -> task(id),
                t -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(t.state));
    }

    private long guestHost() {
        return JsonPath.<Number>read(api.getJson("/api/v1/guests/" + tiny1), "$.hostId").longValue();
    }

    private String guest(String path) {
        return JsonPath.read(api.getJson("/api/v1/guests/" + tiny1), path);
    }

    private long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }
}
