package io.virtdeck.backup;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of a Virtdeck running as a process of its own in the middle of an incremental backup of running tiny1
 * on lab1's real QEMU. QEMU is held with {@code kill -STOP} from just before the backup until after the kill, so that
 * the kill lands while libvirt is beginning the backup job; once QEMU goes on, libvirt finishes (or ends) it alone.
 * After the restart the task is closed as libvirt says it ended, the store holds no volume of an unfinished backup,
 * and the next backup continues the chain.
 */
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupKilledLabTest {

    private static final String POOL = "vd-bk-killed";

    private VirtdeckProcess virtdeck;
    private JdbcClient database;
    private long tiny1;
    private long store;

    @BeforeAll
    void start() throws Exception {
        Lab.tiny1BackOnLab1();
        BackupLab.dropCheckpointsAndStop("tiny1");
        BackupLab.dropPool(Lab.LAB1, POOL);
        Path dir = Lab.DIR.resolve(POOL);
        Files.createDirectories(dir);
        Lab.virsh(Lab.LAB1, "pool-define-as", POOL, "dir", "--target", dir.toString());
        Lab.virsh(Lab.LAB1, "pool-start", POOL);
        virtdeck = new VirtdeckProcess().start();
        database = virtdeck.database();
        long lab1 = api().hostIdOrRegister("lab1", Lab.LAB1);
        tiny1 = api().guestIdOn(lab1, "tiny1");
        HttpResponse<String> made = api().call("POST", "/api/v1/backup-stores", "{\"name\":\"" + POOL
                + "\",\"hostId\":" + lab1 + ",\"pool\":\"" + POOL + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        store = JsonPath.<Number>read(made.body(), "$.id").longValue();
    }

    @AfterAll
    void stop() {
        Lab.qemuPids("tiny1").forEach(pid -> Lab.signal(pid, "CONT")); // a failure while it was held
        if (virtdeck != null) {
            virtdeck.close();
        }
        BackupLab.dropCheckpointsAndStop("tiny1");
        BackupLab.dropPool(Lab.LAB1, POOL);
    }

    private AdminApi api() {
        return virtdeck.api();
    }

    @Test
    void aBackupKilledMidwayIsClosedAsLibvirtEndedItAndTheChainGoesOn() throws Exception {
        HttpResponse<String> started = api().call("POST", "/api/v1/guests/" + tiny1 + "/actions/start", "");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=8 seek=40 conv=fsync");
        String full = api().finished(backUp(), Duration.ofMinutes(2));
        assertThat(JsonPath.<String>read(full, "$.state")).as(full).isEqualTo("SUCCEEDED");
        String fullCheckpoint = newestPoint("checkpoint");
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=6 seek=20 conv=fsync");

        List<Long> qemu = Lab.qemuPids("tiny1");
        assertThat(qemu).hasSize(1);
        Lab.signal(qemu.get(0), "STOP");
        long task;
        String volume;
        try {
            task = backUp();
            volume = awaitTargetVolume(task);
            TimeUnit.MILLISECONDS.sleep(500); // libvirt's begin on its way to the held QEMU
            virtdeck.kill();
        } finally {
            Lab.signal(qemu.get(0), "CONT");
        }
        String killedCheckpoint = database.sql("SELECT checkpoint FROM backup_points WHERE task_id = :task")
                .param("task", task).query(String.class).single();
        String libvirtSays = awaitLibvirtEnded();
        System.out.printf("[lab] backup killed mid-begin; libvirt's job then ended: %s%n", libvirtSays);

        virtdeck.start();
        api().hostIdOrRegister("lab1", Lab.LAB1);
        String closed = api().finished(task, Duration.ofSeconds(90));
        String message = JsonPath.read(closed, "$.message");
        System.out.printf("[lab] after the restart the task says: %s %s%n", JsonPath.<String>read(closed, "$.state"),
                message);
        String pointState = database.sql("SELECT state FROM backup_points WHERE task_id = :task").param("task", task)
                .query(String.class).single();
        if (libvirtSays.equals("Completed")) {
            assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("SUCCEEDED");
            assertThat(message).startsWith("Virtdeck stopped during this backup of 'tiny1', and libvirt completed it"
                    + " meanwhile: ").endsWith(" copied. It is kept; the next backup continues from it.");
            assertThat(pointState).isEqualTo("COMPLETE");
            assertThat(database.sql("SELECT bytes_copied FROM backup_points WHERE task_id = :task")
                    .param("task", task).query(Long.class).single()).isPositive();
            assertThat(run("qemu-img", "check", Lab.DIR.resolve(POOL).resolve(volume).toString()))
                    .contains("No errors were found");
        } else {
            assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("FAILED");
            assertThat(message).startsWith("Virtdeck stopped during this backup of 'tiny1'; it was not completed (");
            assertThat(pointState).isEqualTo("FAILED");
        }
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        List<String> inStore = Lab.virsh(Lab.LAB1, "vol-list", POOL).lines().map(String::trim)
                .filter(line -> !line.isEmpty()).map(line -> line.split("\\s+")[0]).sorted().toList();
        List<String> complete = database.sql("SELECT d.volume FROM backup_point_disks d JOIN backup_points p ON"
                + " p.id = d.point_id WHERE p.state = 'COMPLETE' ORDER BY d.volume").query(String.class).list();
        assertThat(inStore).as("the store holds the complete backups' volumes, nothing else").isEqualTo(complete);

        String next = api().finished(backUp(), Duration.ofMinutes(2));
        assertThat(JsonPath.<String>read(next, "$.state")).as(next).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(next, "$.message")).contains("incremental backup (from "
                + (pointState.equals("COMPLETE") ? killedCheckpoint : fullCheckpoint) + ")");
    }

    private long backUp() throws Exception {
        HttpResponse<String> started = api().call("POST", "/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + store + "}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return JsonPath.<Number>read(started.body(), "$.id").longValue();
    }

    private String newestPoint(String column) {
        return database.sql("SELECT " + column + " FROM backup_points ORDER BY id DESC LIMIT 1").query(String.class)
                .single();
    }

    /** The volume the backup writes to, once Virtdeck has made it in the store (just before libvirt's begin). */
    private String awaitTargetVolume(long task) {
        String volume = await("the backup's point recorded").atMost(Duration.ofSeconds(60))
                .until(() -> database.sql("SELECT d.volume FROM backup_point_disks d JOIN backup_points p ON p.id ="
                        + " d.point_id WHERE p.task_id = :task").param("task", task).query(String.class).optional()
                        .orElse(null), java.util.Objects::nonNull);
        await("the backup's target volume made").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(Lab.DIR.resolve(POOL).resolve(volume)));
        return volume;
    }

    /**
     * How libvirt says the guest's last job ended ("Completed", "Failed", "Cancelled"; "None" when it began none),
     * once no job runs: read without consuming the record, which Virtdeck reads after its restart.
     */
    private static String awaitLibvirtEnded() throws InterruptedException {
        TimeUnit.SECONDS.sleep(3); // the held begin goes on once QEMU does
        await("libvirt's backup job ended").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> jobType("domjobinfo", "tiny1").equals("None"));
        return jobType("domjobinfo", "tiny1", "--completed", "--keep-completed");
    }

    private static String jobType(String... virsh) {
        return Lab.virsh(Lab.LAB1, virsh).lines().filter(line -> line.startsWith("Job type:"))
                .map(line -> line.substring("Job type:".length()).trim()).findFirst().orElse("None");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return said;
    }
}
