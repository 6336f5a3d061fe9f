package io.virtdeck.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.virtdeck.VirtdeckApplication;
import io.virtdeck.support.Instances;
import io.virtdeck.support.Lab;
import io.virtdeck.support.TestDatabase;
import io.virtdeck.support.UsesLab;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.virtdeck.support.Instances.asAdmin;
import static io.virtdeck.support.Instances.connectedHostId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Virtdeck stops in the middle of a live migration of tiny1 (libvirt goes on without it) and starts again on the
 * same database: the migration's task is followed again and ends truthfully, with the guest's row, same id, on the
 * host libvirt put it on.
 */
@UsesLab
class MigrationRestartLabTest {

    private ConfigurableApplicationContext running;

    @Test
    void aMigrationUnderWayWhenVirtdeckStopsEndsTruthfullyAfterTheRestart() throws Exception {
        Lab.tiny1BackOnLab1();
        TestDatabase.Database database = TestDatabase.createDatabase();
        Path data = Files.createTempDirectory("virtdeck-restart");
        running = start(database, data);
        JdbcClient jdbc = running.getBean(JdbcClient.class);
        long lab1 = connectedHostId(jdbc, "lab1");
        long lab2 = connectedHostId(jdbc, "lab2");
        long tiny1 = await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT id FROM guests WHERE name = 'tiny1'").query(Long.class).optional().orElse(0L), id -> id > 0);
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            Lab.virsh(Lab.LAB1, "start", "tiny1");
            Lab.consoleAnswers(Lab.LAB1, "tiny1");
        }

        // throttled so that it is still copying when Virtdeck stops
        Task task = asAdmin(() -> running.getBean(MigrationService.class).migrate(tiny1,
                new MigrationRequest(lab2, true, null, 4, null, null, null, true)));
        TaskService tasks = running.getBean(TaskService.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> asAdmin(() -> tasks.get(task.id())),
                t -> t.progress() > 0 && t.message().contains("MiB left"));
        Instant stoppedAt = Instant.now();
        running.close();
        assertThat(Lab.virsh(Lab.LAB1, "domjobinfo", "tiny1")).as("libvirt migrates on without Virtdeck")
                .contains("Outgoing migration");
        assertThat(column(database, "SELECT state FROM tasks WHERE id = " + task.id())).isEqualTo("RUNNING");

        long restartedAt = System.nanoTime();
        running = start(database, data);
        TaskService again = running.getBean(TaskService.class);
        Task ended = await().atMost(Duration.ofSeconds(120)).until(() -> asAdmin(() -> again.get(task.id())),
                t -> t.state().finished());
        System.out.printf("[lab] after the restart the migration task ended in %d s: %s (%s)%n",
                (System.nanoTime() - restartedAt) / 1_000_000_000, ended.state(), ended.message());
        assertThat(ended.state()).as(ended.message()).isEqualTo(Task.State.SUCCEEDED);
        assertThat(ended.message()).contains("moved from lab1 to lab2");
        assertThat(secondsTaken(ended.message())).as("the duration counts from the task's start, not the restart")
                .isGreaterThanOrEqualTo(Duration.between(ended.startedAt(), stoppedAt).toSeconds());
        JdbcClient after = running.getBean(JdbcClient.class);
        assertThat(after.sql("SELECT host_id FROM guests WHERE id = :id").param("id", tiny1).query(Long.class)
                .single()).as("the same row, now on lab2").isEqualTo(lab2);
        assertThat(Lab.virsh(Lab.LAB2, "domstate", "tiny1").trim()).isEqualTo("running");
        Lab.consoleAnswers(Lab.LAB2, "tiny1");

        Task back = asAdmin(() -> running.getBean(MigrationService.class).migrate(tiny1,
                new MigrationRequest(lab1, true, null, null, null, null, null, true)));
        Task returned = await().atMost(Duration.ofSeconds(60)).until(() -> asAdmin(() -> again.get(back.id())),
                t -> t.state().finished());
        assertThat(returned.state()).as(returned.message()).isEqualTo(Task.State.SUCCEEDED);
    }

    /** The "12.3 s" of a migration's closing message "... (live, 12.3 s, downtime ...)". */
    private static double secondsTaken(String message) {
        Matcher took = Pattern.compile("\\(live, ([0-9.]+) s").matcher(message);
        assertThat(took.find()).as(message).isTrue();
        return Double.parseDouble(took.group(1));
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private static ConfigurableApplicationContext start(TestDatabase.Database database, Path data) {
        // as command-line arguments: they win over application.yml's environment mappings
        return new SpringApplicationBuilder(VirtdeckApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--virtdeck.data-dir=" + data,
                "--virtdeck.admin-password=admin-test-pw",
                "--virtdeck.demo.mode=off",
                "--virtdeck.bootstrap-hosts=lab1=" + Lab.LAB1 + ",lab2=" + Lab.LAB2);
    }


    private static String column(TestDatabase.Database database, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
                database.password()); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
