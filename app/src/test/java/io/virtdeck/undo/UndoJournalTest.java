package io.virtdeck.undo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.virtdeck.VirtdeckInstance;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.SnapshotKind;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.KilledInstance;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Works left unfinished by a Virtdeck that stopped mid-work (as after a kill: their rows stay, their instance is
 * gone), settled against libvirt's test driver: what was made is taken back, the task is closed and the audit names
 * it all, under the person who started the work.
 */
@VirtdeckIntegrationTest
class UndoJournalTest {

    @Autowired
    UndoJournal journal;
    @Autowired
    StorageGateway storage;
    @Autowired
    DomainGateway domains;
    @Autowired
    SnapshotGateway snapshots;
    @Autowired
    HostRepository hosts;
    @Autowired
    GuestRepository guests;
    @Autowired
    TaskService taskService;
    @Autowired
    TaskRepository tasks;
    @Autowired
    VirtdeckInstance self;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MockMvc mvc;

    Host host;
    UUID build;

    @BeforeEach
    void host() throws Exception {
        Api api = new Api(mvc);
        long id = api.registerHost("undo-" + System.nanoTime(), TestHosts.smallHost());
        host = hosts.findById(id).orElseThrow();
        build = guests.findById(api.guestId(id, "gamma-build")).orElseThrow().uuid();
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", "pw",
                "ROLE_OPERATOR"));
    }

    @AfterEach
    void nobody() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void whatAKilledCloneHadMadeIsTakenBackAndItsTaskClosedSayingSo() throws Exception {
        long task = runningTask("clone-1");
        UUID clone = UUID.randomUUID();
        Path staged = Files.createTempDirectory("undo-staged");
        Files.writeString(staged.resolve("upload"), "half an image");
        MadeSoFar made = journal.begin(AuditAction.GUEST_CLONE, new AuditObject("guest", null, "half"), task);
        made.files(staged);
        made.volume(host, "default", "half-vda.qcow2", () -> storage.createVolume(host.id(), "default",
                new NewVolume("half-vda.qcow2", 64, "qcow2")));
        made.domain(host, clone, "half", () -> domains.defineClone(host.id(), build, host.id(), "half", clone,
                Map.of()));
        killed(task);

        taskService.settleOrphans(); // the tasks' own recovery leaves it to the journal
        assertThat(tasks.findById(task).orElseThrow().state()).isEqualTo(Task.State.RUNNING);

        journal.settleInterrupted();

        assertThat(storage.volume(host.id(), "default", "half-vda.qcow2")).isEmpty();
        assertThatThrownBy(() -> domains.domain(host.id(), clone)).isInstanceOfSatisfying(HypervisorException.class,
                e -> assertThat(e.kind()).isEqualTo(HypervisorException.Kind.NOT_FOUND));
        assertThat(staged).doesNotExist();
        Task closed = tasks.findById(task).orElseThrow();
        assertThat(closed.state()).isEqualTo(Task.State.FAILED);
        String expected = "Virtdeck stopped before this finished. Nothing it was making remains: guest 'half' on"
                + " host '" + host.name() + "', volume default/half-vda.qcow2 on host '" + host.name() + "', the"
                + " staged files in " + staged.toAbsolutePath() + " on the Virtdeck server (removed, or never made).";
        assertThat(closed.message()).isEqualTo(expected);
        assertThat(jdbc.sql("SELECT username || ' ' || action || ' ' || outcome || ' ' || detail FROM audit_events"
                        + " WHERE object_name = 'half' ORDER BY id DESC LIMIT 1").query(String.class).single())
                .isEqualTo("alice guest.clone FAILURE " + expected);
        assertThat(unfinished()).isZero();
    }

    @Test
    void aVolumeAGuestWasSwitchedOverToBeforeTheKillIsKeptAndTheTaskSaysSo() {
        long task = KilledInstance.runningTask(jdbc, self.id(), "guest.disk.move", "move-1");
        UUID web = guests.findByHostAndName(host.id(), "alpha-web").orElseThrow().uuid();
        // a disk move records its new volume before making it; here libvirt had switched alpha-web's vda over to it
        // (its pivot) when Virtdeck was killed, before the move could say it was done
        MadeSoFar made = journal.begin(AuditAction.GUEST_DISK_MOVE, new AuditObject("guest", "1", "alpha-web"), task);
        made.volume(host, "default", "alpha-web.qcow2", () -> null);
        killed(task);

        journal.settleInterrupted();

        assertThat(storage.volume(host.id(), "default", "alpha-web.qcow2")).as("the disk alpha-web runs on")
                .isPresent();
        assertThat(domains.domain(host.id(), web).state()).isEqualTo(io.virtdeck.hypervisor.DomainRunState.RUNNING);
        Task closed = tasks.findById(task).orElseThrow();
        assertThat(closed.state()).isEqualTo(Task.State.FAILED);
        assertThat(closed.message()).isEqualTo("Virtdeck stopped before this finished. Volume default/alpha-web.qcow2"
                + " on host '" + host.name() + "' is kept: guest 'alpha-web' uses it as its disk vda (libvirt had"
                + " switched it over before Virtdeck stopped).");
        assertThat(unfinished()).isZero();
    }

    @Test
    void aSnapshotLibvirtFinishedAfterTheKillIsKeptAndAuditedAsTaken() {
        UUID web = guests.findByHostAndName(host.id(), "alpha-web").orElseThrow().uuid();
        MadeSoFar made = journal.begin(AuditAction.GUEST_SNAPSHOT_CREATE, new AuditObject("guest", "1", "alpha-web"));
        made.snapshot(host.id(), host.name(), web, "alpha-web", "before-kill", () -> snapshots.createSnapshot(
                host.id(), web, "before-kill", null, SnapshotKind.INTERNAL, false));
        killedWorks();

        journal.settleInterrupted();

        assertThat(snapshots.snapshots(host.id(), web)).extracting(s -> s.name()).contains("before-kill");
        assertThat(jdbc.sql("SELECT username || ' ' || outcome || ' ' || detail FROM audit_events WHERE action ="
                        + " 'guest.snapshot.create' ORDER BY id DESC LIMIT 1").query(String.class).single())
                .isEqualTo("alice SUCCESS Virtdeck stopped before this finished. libvirt finished snapshot"
                        + " 'before-kill' of 'alpha-web' on host '" + host.name() + "' after Virtdeck stopped; it is"
                        + " kept (delete it on the guest's Snapshots tab if it is not wanted).");
        assertThat(unfinished()).isZero();
    }

    @Test
    void theWorkOfARunningInstanceIsItsOwnAndEndsWithoutATrace() {
        MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, new AuditObject("guest", null, "mine"));
        made.volume(host, "default", "mine.qcow2", () -> storage.createVolume(host.id(), "default",
                new NewVolume("mine.qcow2", 64, "qcow2")));

        journal.settleInterrupted();

        assertThat(storage.volume(host.id(), "default", "mine.qcow2")).isPresent();
        assertThat(unfinished()).isOne();
        made.done();
        made.close();
        assertThat(unfinished()).isZero();
        assertThat(storage.volume(host.id(), "default", "mine.qcow2")).isPresent();
    }

    @Test
    void aWorkClosedWithoutSuccessOrUndoTakesBackWhatItMade() {
        try (MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, new AuditObject("guest", null, "cut"))) {
            made.volume(host, "default", "cut.qcow2", () -> storage.createVolume(host.id(), "default",
                    new NewVolume("cut.qcow2", 64, "qcow2")));
            // an exception nobody expected leaves the block here
        }
        assertThat(storage.volume(host.id(), "default", "cut.qcow2")).isEmpty();
        assertThat(unfinished()).isZero();
    }

    @Test
    void aMakingLibvirtRefusedLeavesNoRecord() {
        try (MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, new AuditObject("guest", null, "refused"))) {
            assertThatThrownBy(() -> made.volume(host, "default", "alpha-web.qcow2", () -> storage.createVolume(
                    host.id(), "default", new NewVolume("alpha-web.qcow2", 64, "qcow2"))))
                    .isInstanceOf(HypervisorException.class);
            assertThat(jdbc.sql("SELECT count(*) FROM unfinished_work_items").query(Long.class).single()).isZero();
            assertThat(made.undo()).isEqualTo("Nothing was left behind.");
        }
        // the volume of the same name, which is not this work's, is untouched
        assertThat(storage.volume(host.id(), "default", "alpha-web.qcow2")).isPresent();
    }

    @Test
    void whatCannotBeRemovedIsNamedWithHowToRemoveIt() {
        UUID web = guests.findByHostAndName(host.id(), "alpha-web").orElseThrow().uuid();
        long task = runningTask("left-1");
        MadeSoFar made = journal.begin(AuditAction.GUEST_CREATE, new AuditObject("guest", null, "alpha-web"), task);
        made.domain(host, web, "alpha-web", () -> { }); // as if it were made, and then someone started it
        killed(task);
        // and a volume on a host that answers no more, recorded half an hour ago
        long gone = jdbc.sql("""
                        INSERT INTO unfinished_work (instance_id, task_id, action, username, object_type, object_name,
                                                     interrupted_at)
                        VALUES (:self, NULL, 'volume.upload', 'bob', 'volume', 'old.img', now() - interval '31 minutes')
                        RETURNING id""").param("self", self.id()).query(Long.class).single();
        jdbc.sql("INSERT INTO unfinished_work_items (work_id, kind, host_id, host_name, within, name) VALUES (:work,"
                + " 'VOLUME', 987654, 'kvm-gone', 'default', 'old.img')").param("work", gone).update();

        journal.settleInterrupted();

        assertThat(domains.domain(host.id(), web).state()).isEqualTo(io.virtdeck.hypervisor.DomainRunState.RUNNING);
        assertThat(tasks.findById(task).orElseThrow().message()).isEqualTo("Virtdeck stopped before this finished."
                + " Left behind, to remove by hand: guest 'alpha-web' on host '" + host.name() + "' (it is running:"
                + " shut it down first; delete the guest on its page, or `virsh undefine " + web + "` on the host).");
        assertThat(jdbc.sql("SELECT username || ' ' || outcome || ' ' || detail FROM audit_events WHERE object_name ="
                        + " 'old.img' ORDER BY id DESC LIMIT 1").query(String.class).single())
                .startsWith("bob FAILURE Virtdeck stopped before this finished. Left behind, to remove by hand: volume"
                        + " default/old.img on host 'kvm-gone' (")
                .endsWith("; delete it on the host's Storage page, or `virsh vol-delete --pool default old.img` on the"
                        + " host).");
        assertThat(unfinished()).isZero();
    }

    /** As after kill -9: the rows stay, owned by an instance whose lease has run out. */
    private void killed(long task) {
        KilledInstance.kill(jdbc, task);
    }

    private void killedWorks() {
        jdbc.sql("UPDATE unfinished_work SET instance_id = :dead WHERE instance_id = :self")
                .param("dead", KilledInstance.stoppedInstance(jdbc)).param("self", self.id()).update();
    }

    private long runningTask(String objectId) {
        return KilledInstance.runningTask(jdbc, self.id(), "guest.clone", objectId);
    }

    private long unfinished() {
        return jdbc.sql("SELECT count(*) FROM unfinished_work WHERE instance_id = :self OR interrupted_at IS NOT NULL")
                .param("self", self.id()).query(Long.class).single();
    }
}
