package io.virtdeck.guest.devices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.DiskCopyGateway;
import io.virtdeck.hypervisor.DiskCopyProgress;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.KilledInstance;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A Virtdeck killed while it moved a disk of running tiny1 on lab1, and the restart's settling of what it left: the
 * state a kill leaves is made as the move makes it (its new volume recorded in the undo journal under its task, then
 * libvirt's block copy started, or also pivoted), the task and the journal's work handed to an instance that died,
 * and the journal settled as at a start. Killed mid-copy: the copy, which outlives Virtdeck in libvirt, is aborted
 * before its volume is deleted, and tiny1 runs on its old disk. Killed after the pivot: the new volume, which tiny1 now
 * runs on, is kept. Either way the task is closed as failed saying so. (The kill itself is simulated in the database as
 * UndoJournalTest does; BackupKilledLabTest kills a Virtdeck process for real.)
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestDiskMoveKilledLabTest {

    private static final String POOL = "vd-move-killed";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    UndoJournal journal;
    @Autowired
    DiskCopyGateway copies;
    @Autowired
    StorageGateway storage;
    @Autowired
    HostRepository hosts;
    @Autowired
    GuestRepository guests;
    @Autowired
    TaskRepository tasks;
    @Autowired
    VirtdeckInstance self;

    private Api api;
    private Host lab1;
    private Guest tiny1;
    private String volume;

    @BeforeAll
    void tiny1RunningWithADataDisk() throws Exception {
        api = new Api(mvc);
        Lab.tiny1BackOnLab1();
        lab1 = hosts.require(api.hostIdOrRegister("lab1", Lab.LAB1));
        long id = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1.id(), "tiny1"), i -> i > 0);
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + id + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        tiny1 = guests.require(id);
        removePool();
        mvc.perform(api.post("/api/v1/hosts/" + lab1.id() + "/pools", "{\"name\":\"" + POOL + "\",\"type\":\"dir\","
                + "\"path\":\"" + Lab.DIR.resolve(POOL) + "\",\"build\":true}")).andExpect(status().isCreated());
        String body = mvc.perform(api.post("/api/v1/guests/" + id + "/disks",
                        "{\"pool\":\"images\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        volume = Path.of(JsonPath.<List<String>>read(body, "$.disks[?(@.target == 'vdb')].source").get(0))
                .getFileName().toString();
        // enough written that a copy at 1 MiB/s is still running when Virtdeck is "killed"
        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vdb bs=1M count=16 2>/dev/null; sync");
    }

    @AfterAll
    void unplugAndRemove() throws Exception {
        Lab.virsh(Lab.LAB1, "blockjob", "tiny1", "vdb", "--abort");
        mvc.perform(api.delete("/api/v1/guests/" + tiny1.id() + "/disks/vdb"));
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
    void killedMidCopyTheCopyIsAbortedItsVolumeDeletedAndTheGuestRunsOnItsOldDisk() {
        long task = moveUnderWay(1024 * 1024);
        assertThat(Lab.virsh(Lab.LAB1, "blockjob", "tiny1", "vdb", "--info")).contains("Block Copy");
        KilledInstance.kill(jdbc, task);

        journal.settleInterrupted();

        assertThat(Lab.virsh(Lab.LAB1, "blockjob", "tiny1", "vdb", "--info")).as("the copy aborted")
                .doesNotContain("Block Copy");
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", "tiny1")).as("on its old volume (named by pool)")
                .contains(volume).doesNotContain(POOL);
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", POOL)).as("the copy's volume deleted")
                .doesNotContain(volume);
        assertThat(Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim()).isEqualTo("running");
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        Task closed = tasks.findById(task).orElseThrow();
        System.out.println("[lab] killed mid-copy, settled: " + closed.message());
        assertThat(closed.state()).isEqualTo(Task.State.FAILED);
        assertThat(closed.message()).startsWith("Virtdeck stopped before this finished. Nothing it was making remains:"
                + " volume " + POOL + "/" + volume).endsWith("The copy of disk vdb of 'tiny1' into it was stopped"
                + " first; 'tiny1' stays on the disk it had.");
    }

    @Test
    @Order(2)
    void killedAfterThePivotTheNewVolumeTheGuestRunsOnIsKept() {
        long task = moveUnderWay(0);
        await().atMost(Duration.ofMinutes(2)).until(() -> copies.copyProgress(lab1.id(), tiny1.uuid(), "vdb")
                .map(DiskCopyProgress::ready).orElse(false));
        copies.pivot(lab1.id(), tiny1.uuid(), "vdb");
        KilledInstance.kill(jdbc, task);

        journal.settleInterrupted();

        String moved = Lab.DIR.resolve(POOL).resolve(volume).toString();
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", "tiny1")).as("on the new volume").contains(moved);
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "--pool", POOL)).as("kept").contains(volume);
        assertThat(Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim()).isEqualTo("running");
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        Task closed = tasks.findById(task).orElseThrow();
        System.out.println("[lab] killed after the pivot, settled: " + closed.message());
        assertThat(closed.state()).isEqualTo(Task.State.FAILED);
        assertThat(closed.message()).isEqualTo("Virtdeck stopped before this finished. Volume " + POOL + "/" + volume
                + " on host '" + lab1.name() + "' is kept: guest 'tiny1' uses it as its disk vdb (libvirt had switched"
                + " it over before Virtdeck stopped).");
    }

    /**
     * What a disk move of tiny1's vdb into {@link #POOL} has done when it is killed while copying: its task runs, its
     * new volume is recorded and made, libvirt copies into it at {@code bytesPerSecond} (0: unlimited). Its task.
     */
    private long moveUnderWay(long bytesPerSecond) {
        long task = KilledInstance.runningTask(jdbc, self.id(), AuditAction.GUEST_DISK_MOVE.code(),
                Long.toString(tiny1.id()));
        MadeSoFar made = journal.begin(AuditAction.GUEST_DISK_MOVE, AuditObject.guest(tiny1.id(), tiny1.name()), task);
        made.volume(lab1, POOL, volume, () -> storage.createVolume(lab1.id(), POOL, new NewVolume(volume, 64,
                "qcow2")));
        copies.startCopy(lab1.id(), tiny1.uuid(), "vdb", POOL, volume, "qcow2", bytesPerSecond);
        return task;
    }

    private void removePool() {
        if (Lab.virsh(Lab.LAB1, "pool-list", "--all", "--name").contains(POOL)) {
            Lab.virsh(Lab.LAB1, "pool-destroy", POOL);
            Lab.virsh(Lab.LAB1, "pool-undefine", POOL);
        }
    }
}
