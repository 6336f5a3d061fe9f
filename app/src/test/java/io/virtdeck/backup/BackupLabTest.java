package io.virtdeck.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups of tiny1 on the lab's real QEMU (push mode, qcow2 dirty bitmaps): tiny1 running writes A to its disk, is
 * backed up in full, writes B (and 10 MiB more), is backed up incrementally, writes C. The incremental restored as a
 * new guest shows A and B and not C, the full one A only, read inside each booted guest on its serial console; the
 * incremental copied only about the changed blocks. A restore in place over tiny1 is refused while it runs or without
 * its name typed to confirm, and brings its disk back once it is shut off.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first counts tiny1's backups from none
class BackupLabTest {

    private static final String POOL = "vd-backups";
    private static final Path POOL_DIR = Lab.DIR.resolve("backups");
    private static final List<String> RESTORED = List.of("tiny-from-inc", "tiny-from-full");
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
        BackupLab.dropCheckpointsAndStop("tiny1");
        tiny1OnItsOwnDisk();
        if (Lab.virsh(Lab.LAB1, "net-list", "--all", "--name").contains("virtdeck-verify")) {
            Lab.virsh(Lab.LAB1, "net-destroy", "virtdeck-verify");
            Lab.virsh(Lab.LAB1, "net-undefine", "virtdeck-verify");
        }
        BackupLab.dropPool(Lab.LAB1, POOL);
    }

    /** After a restore in place tiny1's disk is a restored volume: the lab's definition and disk are put back. */
    private static void tiny1OnItsOwnDisk() {
        if (!Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1").contains("volume='tiny1.qcow2'")) {
            Lab.virsh(Lab.LAB1, "define", Lab.DIR.resolve("lab1/tiny1.xml").toString());
        }
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        for (String volume : Lab.virsh(Lab.LAB1, "vol-list", "images").lines().map(l -> l.trim().split("\\s+")[0])
                .filter(v -> v.startsWith("tiny1-restored-")).toList()) {
            Lab.virsh(Lab.LAB1, "vol-delete", "--pool", "images", volume);
        }
        if (!Lab.virsh(Lab.LAB1, "vol-list", "images").contains("tiny1.qcow2")) {
            // qemu-img makes qcow2 v3 (virsh vol-create-as would make v2, which holds no bitmaps), as lab.sh does
            try {
                Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2",
                        Lab.DIR.resolve("images/tiny1.qcow2").toString(), "64M").redirectErrorStream(true).start();
                assertThat(create.waitFor()).isZero();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        }
    }

    @Test
    @Order(1)
    void anIncrementalRestoresWhatWasWrittenBeforeItAndNothingAfter() throws Exception {
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo AAAA-mark | dd of=/dev/vda bs=512 seek=2048 conv=fsync");

        long storeId = storeOnPool();

        long fullStarted = System.nanoTime();
        String full = succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long fullMs = (System.nanoTime() - fullStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(full, "$.message")).contains("full backup (the first backup of 'tiny1'");

        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=10 seek=20 conv=fsync;"
                + " echo BBBB-mark | dd of=/dev/vda bs=512 seek=4096 conv=fsync");
        long incStarted = System.nanoTime();
        String incremental = succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long incMs = (System.nanoTime() - incStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(incremental, "$.message")).contains("incremental backup (from virtdeck-");

        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo CCCC-mark | dd of=/dev/vda bs=512 seek=6144 conv=fsync");

        // this store's: other lab classes may have backed tiny1 up elsewhere
        List<Map<String, Object>> points = JsonPath.read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"),
                "$[?(@.storeId == " + storeId + ")]");
        assertThat(points).hasSize(2);
        long incId = ((Number) points.get(0).get("id")).longValue();
        long fullId = ((Number) points.get(1).get("id")).longValue();
        assertThat(points.get(0).get("seq")).isEqualTo(1);
        long incBytes = ((Number) points.get(0).get("bytesCopied")).longValue();
        long fullBytes = ((Number) points.get(1).get("bytesCopied")).longValue();
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

    @Test
    @Order(2)
    void aRestoreInPlaceIsRefusedWhileTheGuestRunsAndBringsItsDiskBackOnceItIsOff() throws Exception {
        long storeId = storeOnPool();
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo DDDD-mark | dd of=/dev/vda bs=512 seek=8192 conv=fsync");
        String backup = succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + ",\"full\":true}")));
        assertThat(JsonPath.<String>read(backup, "$.message")).contains("full backup (a full backup was asked for)");
        long point = ((Number) JsonPath.<List<Number>>read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"),
                "$[?(@.storeId == " + storeId + ")].id").get(0)).longValue();
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo EEEE-mark | dd of=/dev/vda bs=512 seek=8192 conv=fsync");

        String inPlace = "{\"inPlace\":true,\"confirm\":\"%s\"}";
        mvc.perform(api.post("/api/v1/backups/" + point + "/restore", inPlace.formatted("tiny1")))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("inPlace"));
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        mvc.perform(api.post("/api/v1/backups/" + point + "/restore", inPlace.formatted("tiny2")))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("confirm"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(
                        "its disks vda (images/tiny1.qcow2) are overwritten")));
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).as("refusals change nothing")
                .contains("volume='tiny1.qcow2'");

        succeeded(mvc.perform(api.post("/api/v1/backups/" + point + "/restore", inPlace.formatted("tiny1"))));
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1"))
                .contains("volume='tiny1-restored-" + point + ".qcow2'");
        assertThat(Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name").strip()).isEmpty();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        assertThat(Lab.consoleSays(Lab.LAB1, "tiny1", "echo \"S8192=[$(dd if=/dev/vda bs=512 skip=8192 count=1"
                + " 2>/dev/null | head -c 4 | tr DE de)]\"")).contains("S8192=[dddd]");

        String next = succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        assertThat(JsonPath.<String>read(next, "$.message")).contains("full backup (disk vda was replaced");
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
    }

    @Test
    @Order(3)
    void aVerifiedRestoreOfTiny1PassesAndOneOfADamagedBackupFailsWithTheReason() throws Exception {
        long storeId = storeOnPool();
        String backup = succeeded(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long point = ((Number) JsonPath.<List<Number>>read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"),
                "$[?(@.storeId == " + storeId + ")].id").get(0)).longValue();

        mvc.perform(api.post("/api/v1/backups/" + point + "/verify", "{\"signOfLife\":\"serial\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("serialText"));
        mvc.perform(api.post("/api/v1/backups/" + point + "/verify", "{\"signOfLife\":\"smoke\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("signOfLife"));
        long started = System.nanoTime();
        String verified = succeeded(mvc.perform(api.post("/api/v1/backups/" + point + "/verify",
                "{\"signOfLife\":\"serial\",\"serialText\":\"Virtdeck tiny guest\",\"timeoutSeconds\":90}")));
        System.out.printf("[lab] verified restore of tiny1 in %d ms: %s%n", (System.nanoTime() - started) / 1_000_000,
                JsonPath.<String>read(verified, "$.message"));
        String after = api.getJson("/api/v1/backups/" + point);
        assertThat(JsonPath.<Boolean>read(after, "$.verification.passed")).isTrue();
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).as("the temporary guest is gone")
                .doesNotContain("verify-" + point);
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", POOL)).doesNotContain("verify-" + point);
        assertThat(Lab.virsh(Lab.LAB1, "net-dumpxml", "virtdeck-verify")).as("an isolated network")
                .doesNotContain("<forward");

        // the L1 table's first entry pointed at a misaligned offset: qcow2 refuses to read the image
        Path file = POOL_DIR.resolve(JsonPath.<String>read(after, "$.disks[0].volume"));
        java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(8);
        long l1;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(48);
            channel.read(header, 0);
            l1 = header.getLong(40);
            channel.read(entry, l1);
            channel.write(java.nio.ByteBuffer.allocate(8).putLong(0, 0x8000000000000200L), l1);
        }
        Number task = JsonPath.read(mvc.perform(api.post("/api/v1/backups/" + point + "/verify",
                        "{\"signOfLife\":\"serial\",\"serialText\":\"Virtdeck tiny guest\",\"timeoutSeconds\":60}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString(), "$.id");
        String failed = api.taskWhenDone(task.longValue(), Duration.ofSeconds(120));
        assertThat(JsonPath.<String>read(failed, "$.state")).as(failed).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(failed, "$.message")).contains("failed. The restore could not be made");
        String damaged = api.getJson("/api/v1/backups/" + point);
        assertThat(JsonPath.<Boolean>read(damaged, "$.verification.passed")).isFalse();
        System.out.printf("[lab] verified restore of a damaged backup: %s%n",
                JsonPath.<String>read(damaged, "$.verification.detail"));
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(entry.flip(), l1); // repaired: later backups build on it
        }
        assertThat(backup).contains("SUCCEEDED");
    }

    @Test
    @Order(4)
    void aJobBacksUpPrunesAndVerifiesWhenRunNow() throws Exception {
        long storeId = storeOnPool();
        String job = mvc.perform(api.post("/api/v1/backup-jobs", "{\"name\":\"tiny1-nightly\",\"scope\":\"guest\","
                        + "\"guestId\":" + tiny1 + ",\"storeId\":" + storeId + ",\"schedule\":\"30 2 * * *\","
                        + "\"retention\":{\"keepLast\":2},\"verify\":{\"signOfLife\":\"serial\","
                        + "\"serialText\":\"Virtdeck tiny guest\",\"timeoutSeconds\":90}}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long jobId = ((Number) JsonPath.read(job, "$.id")).longValue();
        String started = mvc.perform(api.post("/api/v1/backup-jobs/" + jobId + "/run", ""))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(started, "$.result")).startsWith("Started 1 backup(s): tiny1 (task ");
        long task = Long.parseLong(JsonPath.<String>read(started, "$.result").replaceAll(".*\\(task (\\d+)\\).*",
                "$1"));
        String done = api.taskWhenDone(task, Duration.ofSeconds(180));
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        // tiny1's complete backups here: chain 1 (full, incremental), chain 2 (full), chain 3 (full, two incrementals)
        assertThat(JsonPath.<String>read(done, "$.message")).contains("Retention kept 3 backup(s) and deleted 3.")
                .contains("passed. The restore booted and showed 'Virtdeck tiny guest'");
        List<Object> complete = JsonPath.read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"),
                "$[?(@.state == 'COMPLETE' && @.storeId == " + storeId + ")]");
        assertThat(complete).as("the last 2, and the full one they build on").hasSize(3);
        System.out.printf("[lab] a job's run on tiny1: %s%n", JsonPath.<String>read(done, "$.message"));
    }

    /** The store on this class's pool, registered by whichever test comes first. */
    private long storeOnPool() throws Exception {
        String stores = api.getJson("/api/v1/backup-stores");
        List<Number> ids = JsonPath.read(stores, "$[?(@.pool == '" + POOL + "')].id");
        if (!ids.isEmpty()) {
            return ids.get(0).longValue();
        }
        String store = mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"lab-backups\",\"hostId\":" + lab1 + ",\"pool\":\"" + POOL + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(store, "$.id")).longValue();
    }

    /** Restores the point as a new guest, boots it, and returns what it read of the marked sectors. */
    private String restoreAndRead(long pointId, String name) throws Exception {
        succeeded(mvc.perform(api.post("/api/v1/backups/" + pointId + "/restore", "{\"name\":\"" + name + "\"}")));
        long guest = api.guestId(lab1, name);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isOk());
        String seen = Lab.consoleSays(Lab.LAB1, name, BackupLab.READ_MARKS);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/poweroff", "")).andExpect(status().isOk());
        return seen;
    }

    private String succeeded(ResultActions accepted) throws Exception {
        return api.succeeded(accepted, Duration.ofSeconds(120));
    }
}
