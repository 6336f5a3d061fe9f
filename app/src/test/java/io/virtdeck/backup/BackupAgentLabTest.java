package io.virtdeck.backup;

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
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups with a guest agent, on the lab's Debian guest (real QEMU): a backup of running debian12 freezes its file
 * systems through qemu-guest-agent for the moment of the checkpoint and says so, and a verified restore whose sign of
 * life is the agent passes: the restored copy boots on an isolated network and its agent answers.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupAgentLabTest {

    private static final String POOL = "vd-backups-agent";
    private static final Path POOL_DIR = Lab.DIR.resolve("backups-agent");

    @Autowired
    MockMvc mvc;

    Api api;
    long lab1;
    long debian;

    @BeforeAll
    void debianOnLab1() throws Exception {
        api = new Api(mvc);
        Api.LabGuest debian12 = api.debian12();
        lab1 = debian12.hostId();
        debian = debian12.guestId();
        cleanUp();
        Files.createDirectories(POOL_DIR);
        Lab.virsh(Lab.LAB1, "pool-define-as", POOL, "dir", "--target", POOL_DIR.toString());
        Lab.virsh(Lab.LAB1, "pool-start", POOL);
    }

    @AfterAll
    void cleanUp() {
        BackupLab.dropCheckpointsAndStop("debian12");
        BackupLab.dropPool(Lab.LAB1, POOL);
    }

    @Test
    void aBackupOfRunningDebianIsFrozenByItsAgentAndAVerifyByItsAgentPasses() throws Exception {
        Lab.virsh(Lab.LAB1, "destroy", "debian12"); // a run killed earlier may have left it running
        mvc.perform(api.post("/api/v1/guests/" + debian + "/actions/start", "")).andExpect(status().isOk());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + debian), "$.agent.state"),
                        "ANSWERING"::equals);
        long storeId = JsonPath.<Number>read(mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"agent-backups\",\"hostId\":" + lab1 + ",\"pool\":\"" + POOL + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id").longValue();

        long started = System.nanoTime();
        String backup = api.succeeded(mvc.perform(api.post("/api/v1/guests/" + debian + "/backups",
                "{\"storeId\":" + storeId + "}")), Duration.ofMinutes(5));
        System.out.printf("[lab] full backup of running debian12 in %d ms: %s%n",
                (System.nanoTime() - started) / 1_000_000, JsonPath.<String>read(backup, "$.message"));
        assertThat(JsonPath.<String>read(backup, "$.message"))
                .containsPattern("\\d+ file system\\(s\\) frozen by the guest agent for the checkpoint");
        long point = ((Number) JsonPath.<List<Number>>read(api.getJson("/api/v1/guests/" + debian + "/backups"),
                "$[?(@.storeId == " + storeId + ")].id").get(0)).longValue();
        assertThat(JsonPath.<Integer>read(api.getJson("/api/v1/backups/" + point), "$.frozen")).isPositive();
        mvc.perform(api.post("/api/v1/guests/" + debian + "/actions/poweroff", "")).andExpect(status().isOk());

        started = System.nanoTime();
        String verified = api.succeeded(mvc.perform(api.post("/api/v1/backups/" + point + "/verify",
                "{\"signOfLife\":\"agent\",\"timeoutSeconds\":180}")), Duration.ofMinutes(6));
        System.out.printf("[lab] verified restore of debian12 by its agent in %d ms: %s%n",
                (System.nanoTime() - started) / 1_000_000, JsonPath.<String>read(verified, "$.message"));
        assertThat(JsonPath.<Boolean>read(api.getJson("/api/v1/backups/" + point), "$.verification.passed"))
                .isTrue();
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).as("the temporary guest is gone")
                .doesNotContain("verify-" + point);
    }
}
