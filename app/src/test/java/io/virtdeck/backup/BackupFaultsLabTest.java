package io.virtdeck.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups that go wrong on the lab's real QEMU: a store that fills up mid-backup (a 6 MiB tmpfs in lab1's mount
 * namespace) fails the task and leaves no partial file, and the next backup works; a backup whose Virtdeck stopped
 * after libvirt began it is closed at the next start as libvirt says it ended: complete when libvirt completed it
 * (the chain goes on from it), taken back when libvirt's job failed (the next backup works).
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
        BackupLab.dropCheckpointsAndStop("tiny1");
        for (String pool : List.of(SMALL, ROOMY)) {
            BackupLab.dropPool(Lab.LAB1, pool);
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

    /** The 6 MiB store: a tmpfs in lab1's mount namespace, registered once. */
    private long smallStore() throws Exception {
        Optional<BackupStore> known = repository.findStoreByPool(lab1, SMALL);
        if (known.isPresent()) {
            return known.get().id();
        }
        Path small = Lab.DIR.resolve(SMALL);
        Files.createDirectories(small);
        assertThat(inLab1("mount", "-t", "tmpfs", "-o", "size=6m", "vd-bk-small", small.toString())).isBlank();
        return store(SMALL, small);
    }

    private long roomyStore() throws Exception {
        Optional<BackupStore> known = repository.findStoreByPool(lab1, ROOMY);
        return known.isPresent() ? known.get().id() : store(ROOMY, Lab.DIR.resolve(ROOMY));
    }

    @Test
    void aStoreThatFillsUpFailsTheBackupLeavesNoPartialFileAndTheNextBackupWorks() throws Exception {
        long smallStore = smallStore();
        long roomyStore = roomyStore();
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
    void aBackupLibvirtCompletedWhileVirtdeckWasStoppedIsRecordedCompleteAndTheChainGoesOnFromIt() throws Exception {
        long store = roomyStore();
        startTiny1();
        String first = backUp(store);
        assertThat(JsonPath.<String>read(first, "$.state")).as(first).isEqualTo("SUCCEEDED");
        BackupPoint base = repository.latestPoint(uuid(), store).orElseThrow();
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=4 seek=30 conv=fsync");

        // what a Virtdeck that stopped right after libvirt began an incremental backup leaves; libvirt then completes
        // the job alone
        Interrupted left = interrupted(base.chainId(), base, ROOMY, base.checkpoint());
        assertThat(libvirtEnded()).isEqualTo("Completed");

        tasks.settleOrphans(); // what the next start does
        String closed = api.taskWhenDone(left.task(), Duration.ofSeconds(60)); // followed again till it ends
        assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(closed, "$.message")).startsWith("Virtdeck stopped during this backup of"
                + " 'tiny1', and libvirt completed it meanwhile: ").endsWith(" copied. It is kept; the next backup"
                + " continues from it.");
        BackupPoint recorded = repository.findPoint(left.point()).orElseThrow();
        assertThat(recorded.state()).isEqualTo(BackupPoint.State.COMPLETE);
        assertThat(recorded.bytesCopied()).isGreaterThanOrEqualTo(4L << 20);
        assertThat(Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name")).contains(left.checkpoint())
                .doesNotContain(base.checkpoint());

        String after = backUp(store);
        assertThat(JsonPath.<String>read(after, "$.state")).as(after).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(after, "$.message")).contains("incremental backup (from "
                + left.checkpoint() + ")");
    }

    @Test
    void aBackupThatFailedInLibvirtWhileVirtdeckWasStoppedIsTakenBackAndTheNextBackupWorks() throws Exception {
        long small = smallStore();
        long roomy = roomyStore();
        startTiny1();
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=12 seek=40 conv=fsync");

        // a full backup begun into the 6 MiB store, whose Virtdeck stopped; libvirt's job then fails alone
        long chain = repository.insertChain(small, uuid(), "tiny1", lab1);
        Interrupted left = interrupted(chain, null, SMALL, null);
        assertThat(libvirtEnded()).isEqualTo("Failed");

        tasks.settleOrphans();
        String closed = api.taskWhenDone(left.task(), Duration.ofSeconds(60)); // followed again till it ends
        assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(closed, "$.message")).startsWith("Virtdeck stopped during this backup of"
                + " 'tiny1'; it was not completed (libvirt: ").contains("No space left on device")
                .endsWith("Its partial files were deleted; the next backup continues from the one before.");
        assertThat(repository.findPoint(left.point()).orElseThrow().state()).isEqualTo(BackupPoint.State.FAILED);
        Lab.virsh(Lab.LAB1, "pool-refresh", SMALL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", SMALL)).doesNotContain(left.volume());
        assertThat(Lab.virsh(Lab.LAB1, "checkpoint-list", "tiny1", "--name")).doesNotContain(left.checkpoint());

        String next = backUp(roomy);
        assertThat(JsonPath.<String>read(next, "$.state")).as(next).isEqualTo("SUCCEEDED");
    }

    /** A backup task and point of no live instance, with libvirt's backup job begun for them. */
    private record Interrupted(long task, long point, String checkpoint, String volume) {
    }

    /** @param base the point an incremental backup continues from; null for a full one */
    private Interrupted interrupted(long chain, BackupPoint base, String pool, String from) throws Exception {
        long task = jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, object_name, cancellable,
                                           started_at)
                        VALUES ('backup.run', 'RUNNING', 'admin', 'guest', :id, 'tiny1', TRUE, now()) RETURNING id""")
                .param("id", Long.toString(tiny1)).query(Long.class).single();
        int seq = repository.nextSeq(chain);
        String checkpoint = BackupChains.checkpointName(chain, seq);
        String volume = BackupChains.volumeName("tiny1", chain, seq, "vda");
        String source = base != null ? base.disks().get(0).source() : "images/tiny1.qcow2";
        long capacity = base != null ? base.disks().get(0).capacityBytes() : 64L << 20;
        long point = repository.insertPoint(chain, seq, checkpoint, task, "<domain/>",
                base == null ? "the first backup" : null, List.of(new BackupPoint.Disk("vda", source, volume,
                        capacity)));
        gateway.beginBackup(lab1, uuid(), new BackupRequest(pool, List.of(new BackupTarget("vda", volume,
                base == null ? null : base.disks().get(0).volume())), from, checkpoint, false, false));
        return new Interrupted(task, point, checkpoint, volume);
    }

    /** How libvirt says the guest's backup job ended, once it has: read without consuming the record. */
    private static String libvirtEnded() {
        await("libvirt's backup job ended").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> jobType("domjobinfo", "tiny1").equals("None"));
        return jobType("domjobinfo", "tiny1", "--completed", "--keep-completed");
    }

    private static String jobType(String... virsh) {
        return Lab.virsh(Lab.LAB1, virsh).lines().filter(line -> line.startsWith("Job type:"))
                .map(line -> line.substring("Job type:".length()).trim()).findFirst().orElse("None");
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
