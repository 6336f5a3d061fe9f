package io.virtdeck.task;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.virtdeck.audit.AuditAction;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Tasks persisted in PostgreSQL: progress, outcome, cancel, one per object, and settling after a restart. */
@VirtdeckIntegrationTest
class TaskServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    TaskService tasks;
    @Autowired
    TaskRepository repository;
    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    VirtdeckInstance self;

    @Test
    void workReportsProgressAndSucceeds() throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Task task = tasks.submit(AuditAction.VOLUME_UPLOAD, object("t-1"), false, progress -> {
            progress.update(50, "copying disk 1 of 2");
            halfway.countDown();
            proceed.await(10, TimeUnit.SECONDS);
            return "copied 2 disks";
        });
        assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
        Task running = repository.findById(task.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(Task.State.RUNNING);
        assertThat(running.progress()).isEqualTo(50);
        assertThat(running.message()).isEqualTo("copying disk 1 of 2");
        assertThat(running.startedAt()).isNotNull();

        proceed.countDown();
        Task done = await().atMost(WAIT).until(() -> repository.findById(task.id()).orElseThrow(),
                t -> t.state().finished());
        assertThat(done.state()).isEqualTo(Task.State.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.message()).isEqualTo("copied 2 disks");
        assertThat(done.finishedAt()).isNotNull();
    }

    @Test
    void failingWorkEndsFailedWithTheReason() {
        Task task = tasks.submit(AuditAction.VOLUME_DOWNLOAD, object("t-2"), false, progress -> {
            throw new IllegalStateException("the target pool is full");
        });
        Task done = await().atMost(WAIT).until(() -> repository.findById(task.id()).orElseThrow(),
                t -> t.state().finished());
        assertThat(done.state()).isEqualTo(Task.State.FAILED);
        assertThat(done.message()).isEqualTo("the target pool is full");
    }

    @Test
    void oneUnfinishedTaskPerObjectASecondIsAConflict() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task first = tasks.submit(AuditAction.IMAGE_STAGE, object("t-3"), false, progress -> {
            release.await(10, TimeUnit.SECONDS);
            return "done";
        });
        assertThatThrownBy(() -> tasks.submit(AuditAction.IMAGE_IMPORT, object("t-3"), false, progress -> "never"))
                .isInstanceOf(VirtdeckException.class)
                // queued or running: the worker may pick it up between the refusal and any look at it
                .hasMessageMatching("'t-3' is busy: task " + first.id() + " \\(image\\.stage\\) is (queued|running);"
                        + " wait for it or cancel it\\.");
        release.countDown();
        await().atMost(WAIT).until(() -> repository.findById(first.id()).orElseThrow().state(), Task.State::finished);
        Task again = tasks.submit(AuditAction.IMAGE_IMPORT, object("t-3"), false, progress -> "ok");
        assertThat(again.id()).isGreaterThan(first.id());
    }

    @Test
    void cancelStopsCancellableWorkThroughItsAbortAndRefusesOthers() throws Exception {
        AtomicBoolean aborted = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Task task = tasks.submit(AuditAction.GUEST_CLONE, object("t-4"), true, progress -> {
            progress.onCancel(() -> aborted.set(true));
            started.countDown();
            while (!progress.cancelRequested()) {
                Thread.sleep(20);
            }
            throw new TaskCancelledException("cancelled by the user; the guest stays on its source");
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        mvc.perform(post("/api/v1/tasks/" + task.id() + "/cancel").with(user("desk").roles("HELPDESK")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/tasks/" + task.id() + "/cancel").with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk());
        Task done = await().atMost(WAIT).until(() -> repository.findById(task.id()).orElseThrow(),
                t -> t.state().finished());
        assertThat(done.state()).isEqualTo(Task.State.CANCELLED);
        assertThat(aborted).isTrue();
        mvc.perform(post("/api/v1/tasks/" + task.id() + "/cancel").with(user("op").roles("OPERATOR")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("Task " + task.id() + " has already ended (cancelled)."));

        CountDownLatch release = new CountDownLatch(1);
        Task fixed = tasks.submit(AuditAction.VOLUME_CREATE, object("t-5"), false, progress -> {
            release.await(10, TimeUnit.SECONDS);
            return "done";
        });
        mvc.perform(post("/api/v1/tasks/" + fixed.id() + "/cancel").with(user("op").roles("OPERATOR")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("Task " + fixed.id() + " (volume.create) cannot be cancelled."));
        release.countDown();
    }

    @Test
    void tasksLeftRunningByAStopAreSettledAtTheNextStart() throws Exception {
        long orphan = jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, started_at)
                        VALUES ('test.orphan', 'RUNNING', 'admin', 'guest', 'orphan-1', now()) RETURNING id""")
                .query(Long.class).single();

        tasks.run(null); // what Virtdeck does when it starts

        Task settled = repository.findById(orphan).orElseThrow();
        assertThat(settled.state()).isEqualTo(Task.State.FAILED);
        assertThat(settled.message()).contains("Virtdeck stopped while this task ran");
        assertThat(settled.finishedAt()).isNotNull();
    }

    @Test
    void aRunningInstancesTasksAreLeftToItAndAStoppedInstancesAreSettledOnce() throws Exception {
        // this instance is the running one: a made-up live instance would take its share of this context's hosts
        UUID running = self.id();
        UUID stopped = stoppedInstance();
        long ofRunning = runningTask("orphan-2", running);
        long ofStopped = runningTask("orphan-3", stopped);

        tasks.run(null); // what an instance does when it starts
        tasks.settleOrphans(); // and a running one looking again: nothing twice

        assertThat(repository.findById(ofRunning).orElseThrow().state()).isEqualTo(Task.State.RUNNING);
        assertThat(repository.findById(ofStopped).orElseThrow().state()).isEqualTo(Task.State.FAILED);
        assertThat(repository.adopt(ofStopped)).isFalse();
        jdbc.sql("DELETE FROM tasks WHERE id = :id").param("id", ofRunning).update();
    }

    private UUID stoppedInstance() {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO virtdeck_instances (id, name, alive_until) VALUES (:id, 'stopped', now() - interval "
                + "'1 minute')").param("id", id).update();
        return id;
    }

    private long runningTask(String objectId, UUID instance) {
        return jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, started_at, instance_id)
                        VALUES ('test.orphan', 'RUNNING', 'admin', 'guest', :object, now(), :instance) RETURNING id""")
                .param("object", objectId).param("instance", instance).query(Long.class).single();
    }

    @Test
    void theApiListsAndShowsTasksAndAnswers404ForUnknownOnes() throws Exception {
        Task task = tasks.submit(AuditAction.HOST_MAINTENANCE, object("t-6"), false, progress -> "fine");
        await().atMost(WAIT).until(() -> repository.findById(task.id()).orElseThrow().state(), Task.State::finished);
        Api api = new Api(mvc);
        mvc.perform(api.get("/api/v1/tasks/" + task.id())).andExpect(status().isOk())
                .andExpect(jsonPath("$.type").value("host.maintenance"))
                .andExpect(jsonPath("$.state").value("SUCCEEDED"))
                .andExpect(jsonPath("$.progress").value(100))
                .andExpect(jsonPath("$.startedAt").isNotEmpty())
                .andExpect(jsonPath("$.finishedAt").isNotEmpty());
        mvc.perform(api.get("/api/v1/tasks?size=5")).andExpect(status().isOk())
                .andExpect(jsonPath("$.total").isNumber());
        mvc.perform(api.get("/api/v1/tasks/987654")).andExpect(status().isNotFound());
        // viewers read the tasks of what they may read; help desk and someone who holds no role anywhere read none
        mvc.perform(get("/api/v1/tasks").with(user("viewer").roles("VIEWER"))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/tasks").with(user("desk").roles("HELPDESK"))).andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/tasks/" + task.id()).with(user("desk").roles("HELPDESK")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/tasks").with(user("no-role").authorities(java.util.List.of())))
                .andExpect(status().isForbidden());
    }

    private static AuditObject object(String name) {
        return new AuditObject("guest", name, name);
    }
}
