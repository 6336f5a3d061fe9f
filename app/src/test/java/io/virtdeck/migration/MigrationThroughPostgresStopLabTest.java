package io.virtdeck.migration;

import java.time.Duration;

import io.virtdeck.support.Instances;
import io.virtdeck.support.Lab;
import io.virtdeck.support.StoppableDatabase;
import io.virtdeck.support.UsesLab;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.virtdeck.support.Instances.asAdmin;
import static io.virtdeck.support.Instances.connectedHostId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops in the middle of a live migration of tiny1 and starts again after libvirt has finished it
 * (docs/reliability.md, "When PostgreSQL goes away"): Virtdeck keeps running, and once the database is back the task
 * ends truthfully, the guest's row is on lab2 and the migration is audited under the user who asked for it.
 */
@UsesLab
class MigrationThroughPostgresStopLabTest {

    @Test
    void aMigrationThatEndsWhileTheDatabaseIsAwayIsSettledWhenItIsBack() throws Exception {
        Lab.tiny1BackOnLab1();
        try (StoppableDatabase database = new StoppableDatabase();
             Instances instances = new Instances(database.database(), Duration.ofSeconds(1), Duration.ofSeconds(4))) {
            ConfigurableApplicationContext virtdeck = instances.start(
                    "--virtdeck.bootstrap-hosts=lab1=" + Lab.LAB1 + ",lab2=" + Lab.LAB2);
            JdbcClient jdbc = virtdeck.getBean(JdbcClient.class);
            long lab2 = connectedHostId(jdbc, "lab2");
            connectedHostId(jdbc, "lab1");
            long tiny1 = await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                            "SELECT id FROM guests WHERE name = 'tiny1'").query(Long.class).optional().orElse(0L),
                    id -> id > 0);
            if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
                Lab.virsh(Lab.LAB1, "start", "tiny1");
                Lab.consoleAnswers(Lab.LAB1, "tiny1");
            }

            // throttled so that it is still copying when the database stops
            Task task = asAdmin(() -> virtdeck.getBean(MigrationService.class).migrate(tiny1,
                    new MigrationRequest(lab2, true, null, 4, null, null, null, true)));
            TaskRepository tasks = virtdeck.getBean(TaskRepository.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> tasks.findById(task.id()).orElseThrow(),
                    t -> t.progress() > 0 && t.message().contains("MiB left"));
            database.stop();
            long stopped = System.nanoTime();
            assertThat(Lab.virsh(Lab.LAB1, "domjobinfo", "tiny1")).as("still migrating when the database stops")
                    .contains("Outgoing migration");

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Lab.virsh(Lab.LAB2, "domstate", "tiny1").trim().equals("running"));
            long arrivedMillis = (System.nanoTime() - stopped) / 1_000_000;
            Thread.sleep(2000); // the migration's own end meets the database away, and the task's records wait
            database.start();
            long back = System.nanoTime();

            // the pool reconnects with a back-off of its own: a read may still meet the database away at first
            Task ended = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> tasks.findById(task.id()).orElseThrow(), t -> t.state().finished());
            long settledMillis = (System.nanoTime() - back) / 1_000_000;
            System.out.printf("[lab] database stopped during the migration; tiny1 running on lab2 %d ms later;"
                            + " the task ended %d ms after the database was back: %s (%s)%n", arrivedMillis,
                    settledMillis, ended.state(), ended.message());
            assertThat(ended.state()).as(ended.message()).isEqualTo(Task.State.SUCCEEDED);
            assertThat(ended.message()).contains("moved from lab1 to lab2");
            assertThat(jdbc.sql("SELECT host_id FROM guests WHERE id = :id").param("id", tiny1).query(Long.class)
                    .single()).as("the same row, now on lab2").isEqualTo(lab2);
            assertThat(jdbc.sql("""
                            SELECT count(*) FROM audit_events
                            WHERE action = 'guest.migrate' AND object_name = 'tiny1' AND outcome = 'SUCCESS'
                              AND username = 'admin'""").query(Long.class).single())
                    .as("audited once, under the user who asked").isEqualTo(1);

            Task back2 = asAdmin(() -> virtdeck.getBean(MigrationService.class).migrate(tiny1,
                    new MigrationRequest(connectedHostId(jdbc, "lab1"), true, null, null, null, null, null, true)));
            Task returned = await().atMost(Duration.ofSeconds(60)).until(
                    () -> tasks.findById(back2.id()).orElseThrow(), t -> t.state().finished());
            assertThat(returned.state()).as(returned.message()).isEqualTo(Task.State.SUCCEEDED);
        }
    }
}
