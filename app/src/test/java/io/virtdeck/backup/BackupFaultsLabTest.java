package io.virtdeck.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.BackupRequest;
import io.virtdeck.hypervisor.BackupTarget;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups that go wrong on the lab's real QEMU: a store that fills up mid-backup (a 6 MiB tmpfs in lab1's mount
 * namespace) fails the task and leaves no partial file, and the next backup works; a backup whose Virtdeck stopped
 * after libvirt began it is closed truthfully at the next start, and the chain goes on incrementally.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupFaultsLabTest {

    private static final String SMALL = "vd-bk-small";
    private static final String ROOMY = "vd-bk-roomy";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BackupRepository repository;
    @Autowired
    BackupGateway gateway;
    @Autowired
    TaskService tasks;

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
    }

    @AfterAll
    void cleanUp() throws Exception {
        BackupLabTest.dropCheckpointsAndStop();
        for (String pool : List.of(SMALL, ROOMY)) {
            BackupLabTest.dropPool(pool);
        }
        Path small = Lab.DIR.resolve(SMALL);
        if (Files.exists(small)) {
            inLab1("umount", small.toString()); // fails harmlessly when nothing is mounted
        }
    }

    /** Runs a command in lab1's mount namespace, where its libvirtd and QEMU see files. */
    private static String inLab1(String... command) throws IOException, InterruptedException {
        List<String> line = new java.util.ArrayList<>(List.of("nsenter", "-t", Long.toString(Lab.libvirtdPid("lab1")),
                "-m"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return said;
    }

    private long store(String pool, Path dir) throws Exception {
        Files.createDirectories(dir);
        Lab.virsh(Lab.LAB1, "pool-define-as", pool, "dir", "--target", dir.toString());
        Lab.virsh(Lab.LAB1, "pool-start", pool);
        String body = mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"" + pool + "\",\"hostId\":" + lab1 + ",\"pool\":\"" + pool + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(body, "$.id")).longValue();
    }

    private String backUp(long storeId) throws Exception {
        Number id = JsonPath.read(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                        "{\"storeId\":" + storeId + "}")).andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString(), "$.id");
        return api.taskWhenDone(id.longValue(), Duration.ofSeconds(120));
    }

    @Test
    void aStoreThatFillsUpFailsTheBackupLeavesNoPartialFileAndTheNextBackupWorks() throws Exception {
        Path small = Lab.DIR.resolve(SMALL);
        Files.createDirectories(small);
        assertThat(inLab1("mount", "-t", "tmpfs", "-o", "size=6m", "vd-bk-small", small.toString())).isBlank();
        long smallStore = store(SMALL, small);
        long roomyStore = store(ROOMY, Lab.DIR.resolve(ROOMY));
        startTiny1();
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=12 seek=40 conv=fsync");

        String failed = backUp(smallStore);
        assertThat(JsonPath.<String>read(failed, "$.state")).as(failed).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(failed, "$.message")).as(failed)
                .contains("No space left on device").contains("Its partial files were deleted");
        Lab.virsh(Lab.LAB1, "pool-refresh", SMALL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", SMALL).strip()).as("nothing left in the full store").isEmpty();
        System.out.printf("[lab] a backup into a 6 MiB store: %s%n", JsonPath.<String>read(failed, "$.message"));

        String next = backUp(roomyStore);
        assertThat(JsonPath.<String>read(next, "$.state")).as(next).isEqualTo("SUCCEEDED");
    }

    @Test
    void aBackupCutShortByAStopIsClosedTruthfullyAndTheChainGoesOn() throws Exception {
        long store = repository.findStoreByPool(lab1, ROOMY).map(BackupStore::id).orElse(0L);
        if (store == 0) {
            store = store(ROOMY, Lab.DIR.resolve(ROOMY));
        }
        startTiny1();
        String first = backUp(store);
        assertThat(JsonPath.<String>read(first, "$.state")).as(first).isEqualTo("SUCCEEDED");
        BackupPoint base = repository.latestPoint(uuid(), store).orElseThrow();

        // what a Virtdeck that stopped right after libvirt began an incremental backup leaves: a RUNNING task of no
        // live instance, a RUNNING point, the point's target volume and its new checkpoint
        long task = jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, object_name, cancellable,
                                           started_at)
                        VALUES ('backup.run', 'RUNNING', 'admin', 'guest', :id, 'tiny1', TRUE, now()) RETURNING id""")
                .param("id", Long.toString(tiny1)).query(Long.class).single();
        int seq = repository.nextSeq(base.chainId());
        String checkpoint = BackupChains.checkpointName(base.chainId(), seq);
        String volume = BackupChains.volumeName("tiny1", base.chainId(), seq, "vda");
        long point = repository.insertPoint(base.chainId(), seq, checkpoint, task, "<domain/>", null,
                List.of(new BackupPoint.Disk("vda", base.disks().get(0).source(), volume,
                        base.disks().get(0).capacityBytes())));
        gateway.beginBackup(lab1, uuid(), new BackupRequest(ROOMY, List.of(new BackupTarget("vda", volume,
                base.disks().get(0).volume())), base.checkpoint(), checkpoint, false, false));

        tasks.settleOrphans(); // what the next start does
        String closed = api.getJson("/api/v1/tasks/" + task);
        assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(closed, "$.message")).startsWith(
                "Virtdeck stopped during this backup of 'tiny1'; it was not completed. Its partial files were deleted;"
                        + " the next backup continues from the one before.");
        assertThat(repository.findPoint(point).orElseThrow().state()).isEqualTo(BackupPoint.State.FAILED);
        Lab.virsh(Lab.LAB1, "pool-refresh", ROOMY);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", ROOMY)).doesNotContain(volume);
        assertThat(Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name")).doesNotContain(checkpoint)
                .contains(base.checkpoint());

        String after = backUp(store);
        assertThat(JsonPath.<String>read(after, "$.state")).as(after).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(after, "$.message")).contains("incremental backup (from " + base.checkpoint());
    }

    private UUID uuid() {
        return UUID.fromString(JsonPath.read(api.getJson("/api/v1/guests/" + tiny1), "$.uuid"));
    }

    private void startTiny1() throws Exception {
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
    }
}
