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
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups of tiny1 on the lab's real QEMU (push mode, qcow2 dirty bitmaps): tiny1 running writes A to its disk, is
 * backed up in full, writes B (and 10 MiB more), is backed up incrementally, writes C. The incremental restored as a
 * new guest shows A and B and not C, the full one A only, read inside each booted guest on its serial console; the
 * incremental copied only about the changed blocks.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupLabTest {

    private static final String POOL = "vd-backups";
    private static final Path POOL_DIR = Lab.DIR.resolve("backups");
    private static final List<String> RESTORED = List.of("tiny-from-inc", "tiny-from-full");
    /** Prints the first 4 bytes of the sectors A, B and C are written to, lowered so that the typing never matches. */
    private static final String READ_MARKS = "for s in 2048 4096 6144; do echo \"S$s=[$(dd if=/dev/vda bs=512"
            + " skip=$s count=1 2>/dev/null | head -c 4 | tr ABC abc | tr -d '\\000')]\"; done";

    @Autowired
    MockMvc mvc;

    Api api;
    long lab1;
    long tiny1;

    @BeforeAll
    void lab() throws Exception {
        Lab.tiny1BackOnLab1();
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        tiny1 = api.guestId(lab1, "tiny1");
        cleanUp();
        Files.createDirectories(POOL_DIR);
        Lab.virsh(Lab.LAB1, "pool-define-as", POOL, "dir", "--target", POOL_DIR.toString());
        Lab.virsh(Lab.LAB1, "pool-start", POOL);
    }

    @AfterAll
    void cleanUp() {
        for (String guest : RESTORED) {
            if (Lab.virsh(Lab.LAB1, "list", "--all", "--name").contains(guest)) {
                Lab.virsh(Lab.LAB1, "destroy", guest);
                Lab.virsh(Lab.LAB1, "undefine", guest, "--remove-all-storage");
            }
        }
        dropCheckpointsAndStop();
        dropPool(POOL);
    }

    /** tiny1 left shut off without checkpoints (they can only be deleted while it runs: it is started paused). */
    static void dropCheckpointsAndStop() {
        if (!Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name").isBlank()) {
            if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
                Lab.virsh(Lab.LAB1, "start", "tiny1", "--paused");
            }
            for (String checkpoint : Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name").split("\\s+")) {
                if (!checkpoint.isBlank()) {
                    Lab.virsh(Lab.LAB1, "checkpoint-delete", "tiny1", checkpoint);
                }
            }
        }
        Lab.virsh(Lab.LAB1, "destroy", "tiny1");
    }

    /** Deletes a pool of lab1 and its volumes. */
    static void dropPool(String pool) {
        if (Lab.virsh(Lab.LAB1, "pool-list", "--all", "--name").contains(pool)) {
            Lab.virsh(Lab.LAB1, "pool-refresh", pool);
            for (String volume : Lab.virsh(Lab.LAB1, "vol-list", pool).lines().map(l -> l.trim().split("\\s+")[0])
                    .filter(v -> !v.isBlank()).toList()) {
                Lab.virsh(Lab.LAB1, "vol-delete", "--pool", pool, volume);
            }
            Lab.virsh(Lab.LAB1, "pool-destroy", pool);
            Lab.virsh(Lab.LAB1, "pool-undefine", pool);
        }
    }

    @Test
    void anIncrementalRestoresWhatWasWrittenBeforeItAndNothingAfter() throws Exception {
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo AAAA-mark | dd of=/dev/vda bs=512 seek=2048 conv=fsync");

        String store = mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"lab-backups\",\"hostId\":" + lab1 + ",\"pool\":\"" + POOL + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long storeId = ((Number) JsonPath.read(store, "$.id")).longValue();

        long fullStarted = System.nanoTime();
        String full = succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long fullMs = (System.nanoTime() - fullStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(full, "$.message")).contains("full backup (the first backup of 'tiny1'");

        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=10 seek=20 conv=fsync;"
                + " echo BBBB-mark | dd of=/dev/vda bs=512 seek=4096 conv=fsync");
        long incStarted = System.nanoTime();
        String incremental = succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long incMs = (System.nanoTime() - incStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(incremental, "$.message")).contains("incremental backup (from virtdeck-");

        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo CCCC-mark | dd of=/dev/vda bs=512 seek=6144 conv=fsync");

        String points = api.getJson("/api/v1/guests/" + tiny1 + "/backups");
        List<Number> ids = JsonPath.read(points, "$[*].id");
        assertThat(ids).hasSize(2);
        long incId = ids.get(0).longValue();
        long fullId = ids.get(1).longValue();
        assertThat(JsonPath.<Integer>read(points, "$[0].seq")).isEqualTo(1);
        long incBytes = ((Number) JsonPath.read(points, "$[0].bytesCopied")).longValue();
        long fullBytes = ((Number) JsonPath.read(points, "$[1].bytesCopied")).longValue();
        assertThat(incBytes).as("the incremental copies the changed blocks: 10 MiB and a sector, in 64 KiB clusters")
                .isGreaterThanOrEqualTo(10L << 20).isLessThan(30L << 20);
        System.out.printf("[lab] tiny1 (64 MiB disk): full backup %d ms, %d bytes copied; incremental after 10 MiB"
                + " written %d ms, %d bytes copied (%.2fx the change)%n", fullMs, fullBytes, incMs, incBytes,
                incBytes / (double) (10L << 20));

        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());

        String fromInc = restoreAndRead(incId, RESTORED.get(0));
        assertThat(fromInc).contains("S2048=[aaaa]", "S4096=[bbbb]").doesNotContain("cccc");
        String fromFull = restoreAndRead(fullId, RESTORED.get(1));
        assertThat(fromFull).contains("S2048=[aaaa]").doesNotContain("bbbb").doesNotContain("cccc");

        mvc.perform(api.get("/api/v1/backup-stores/" + storeId)).andExpect(status().isOk())
                .andExpect(jsonPath("$.chains").value(1)).andExpect(jsonPath("$.points").value(2));
    }

    /** Restores the point as a new guest, boots it, and returns what it read of the marked sectors. */
    private String restoreAndRead(long pointId, String name) throws Exception {
        succeeds(mvc.perform(api.post("/api/v1/backups/" + pointId + "/restore", "{\"name\":\"" + name + "\"}")));
        long guest = api.guestId(lab1, name);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isOk());
        String seen = Lab.consoleSays(Lab.LAB1, name, READ_MARKS);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/poweroff", "")).andExpect(status().isOk());
        return seen;
    }

    private String succeeds(ResultActions accepted) throws Exception {
        Number id = JsonPath.read(accepted.andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString(), "$.id");
        String done = api.taskWhenDone(id.longValue(), Duration.ofSeconds(120));
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        return done;
    }
}
