package io.virtdeck.bulk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A bulk migration on the lab's two real libvirtd + QEMU hosts: two running tiny guests on lab1 (64 MiB, no OS and no
 * disk, so that nothing stands in a live migration's way on the lab's unshared image directory) selected together,
 * "let Virtdeck place them": each becomes a migration task of its own under the bulk task, placement picks lab2 (the
 * only other host), and afterwards both run on lab2, in libvirt and in Virtdeck's inventory.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkMigrateLabTest {

    private static final List<String> GUESTS = List.of("vd-bulk-a", "vd-bulk-b");

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    private Api api;
    private long lab1;
    private long lab2;

    @BeforeAll
    void twoTinyGuestsRunOnLab1() throws Exception {
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        removeGuests();
        for (String name : GUESTS) {
            define(name);
            Lab.virsh(Lab.LAB1, "start", name);
            assertThat(Lab.virsh(Lab.LAB1, "domstate", name).trim()).as(name).isEqualTo("running");
        }
        for (String name : GUESTS) {
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/"
                    + api.guestId(lab1, name)), "$.state"), "RUNNING"::equals);
        }
    }

    @AfterAll
    void removeGuests() {
        for (String uri : List.of(Lab.LAB1, Lab.LAB2)) {
            for (String name : GUESTS) {
                Lab.virsh(uri, "destroy", name);
                Lab.virsh(uri, "undefine", name);
            }
        }
    }

    @Test
    void bothGuestsPlacedByVirtdeckRunOnLab2Afterwards() throws Exception {
        long a = api.guestId(lab1, GUESTS.get(0));
        long b = api.guestId(lab1, GUESTS.get(1));
        long started = System.nanoTime();
        String accepted = mvc.perform(api.post("/api/v1/guests/bulk-actions", "{\"action\":\"migrate\",\"guestIds\":["
                        + a + "," + b + "],\"place\":true}"))
                .andExpect(status().isAccepted()).andExpect(jsonPath("$.toAct").value(2))
                .andReturn().getResponse().getContentAsString();
        long task = JsonPath.<Number>read(accepted, "$.task.id").longValue();

        String result = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.getJson("/api/v1/guests/bulk-actions/" + task), json -> !List.of("QUEUED", "RUNNING")
                        .contains(JsonPath.<String>read(json, "$.task.state")));

        System.out.printf("[lab] bulk migration of two guests took %d ms: %s%n",
                (System.nanoTime() - started) / 1_000_000, JsonPath.read(result, "$.task.message"));
        assertThat(JsonPath.<String>read(result, "$.task.state")).as(result).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<Integer>read(result, "$.succeeded")).as(result).isEqualTo(2);
        String onLab1 = Lab.virsh(Lab.LAB1, "list", "--all", "--name");
        for (String name : GUESTS) {
            assertThat(Lab.virsh(Lab.LAB2, "domstate", name).trim()).as(name + " on lab2").isEqualTo("running");
            assertThat(onLab1.lines()).as(name + " left lab1").doesNotContain(name);
        }
        for (long guest : List.of(a, b)) {
            String json = await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/v1/guests/" + guest),
                    g -> JsonPath.<Number>read(g, "$.hostId").longValue() == lab2);
            assertThat(JsonPath.<String>read(json, "$.state")).as("the same guest row, running on lab2")
                    .isEqualTo("RUNNING");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM tasks WHERE parent_id = :task AND type = 'guest.migrate' AND state ="
                + " 'SUCCEEDED'").param("task", task).query(Long.class).single()).as("a migration task each").isEqualTo(2);
    }

    /** A shut-off guest on lab1 with 64 MiB, no OS and no disk: nothing to copy or share when it migrates. */
    private static void define(String name) throws IOException {
        Path xml = Files.createTempFile(name, ".xml");
        try {
            Files.writeString(xml, """
                    <domain type='qemu'>
                      <name>%s</name>
                      <memory unit='MiB'>64</memory>
                      <vcpu>1</vcpu>
                      <os><type arch='x86_64' machine='q35'>hvm</type></os>
                      <devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices>
                    </domain>
                    """.formatted(name));
            String said = Lab.virsh(Lab.LAB1, "define", xml.toString());
            assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name").lines()).as(said).contains(name);
        } finally {
            Files.delete(xml);
        }
    }
}
