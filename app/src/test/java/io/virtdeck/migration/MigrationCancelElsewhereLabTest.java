package io.virtdeck.migration;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Instances;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Virtdeck instances on one database, as behind a load balancer: a throttled live migration of tiny1 runs on the
 * first, its cancel arrives through the second. The migration's libvirt job runs in the first instance only, so the
 * cancel must reach it there; tiny1 stays running on lab1.
 */
@UsesLab
class MigrationCancelElsewhereLabTest {

    @Test
    void aMigrationCancelledThroughAnotherInstanceStopsAndTheGuestStaysOnItsHost() throws Exception {
        Lab.tiny1BackOnLab1();
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            Lab.virsh(Lab.LAB1, "start", "tiny1");
        }
        try (Instances instances = new Instances(Duration.ofMillis(500), Duration.ofSeconds(2))) {
            ConfigurableApplicationContext first = instances.start();
            Instances.registerHost(first, "lab1", Lab.LAB1);
            long lab2 = Instances.registerHost(first, "lab2", Lab.LAB2);
            ConfigurableApplicationContext second = instances.start();
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            long tiny1 = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                            "SELECT id FROM guests WHERE name = 'tiny1' AND state = 'RUNNING'").query(Long.class)
                    .optional(), Optional::isPresent).orElseThrow();

            HttpResponse<String> started = Instances.send(first, json(first, "/api/v1/guests/" + tiny1 + "/migrate",
                    "{\"targetHostId\":" + lab2 + ",\"unsafe\":true,\"bandwidthMiBps\":1}"));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            long task = JsonPath.<Number>read(started.body(), "$.id").longValue();
            // libvirt's job is copying memory when the cancel comes
            await().atMost(Duration.ofSeconds(30)).until(() -> task(jdbc, task),
                    t -> t.progress() > 0 && t.message() != null && t.message().contains("MiB left"));

            long asked = System.nanoTime();
            HttpResponse<String> cancel = Instances.send(second, HttpRequest.newBuilder(
                    Instances.uri(second, "/api/v1/tasks/" + task + "/cancel")).POST(BodyPublishers.noBody()));
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            TaskRow ended = await().atMost(Duration.ofSeconds(30)).until(() -> task(jdbc, task),
                    t -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(t.state()));
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            System.out.printf("[lab] a migration cancelled through the other instance ended %s in %d ms%n",
                    ended.state(), took.toMillis());

            assertThat(ended.state()).as(ended.message()).isEqualTo("CANCELLED");
            assertThat(ended.message()).contains("stays on lab1");
            // the goal is 2 s; most of it is libvirt aborting its job (1.7 s measured on a quiet machine, TCG guest),
            // so the bound leaves room for a busy one: the figure above is the one to watch
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim()).isEqualTo("running");
            assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("tiny1");
        }
    }

    private record TaskRow(String state, int progress, String message) {
    }

    private static TaskRow task(JdbcClient jdbc, long id) {
        return jdbc.sql("SELECT state, progress, message FROM tasks WHERE id = :id").param("id", id)
                .query((rs, row) -> new TaskRow(rs.getString("state"), rs.getInt("progress"), rs.getString("message")))
                .single();
    }

    private static HttpRequest.Builder json(ConfigurableApplicationContext instance, String path, String body) {
        return HttpRequest.newBuilder(Instances.uri(instance, path)).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body));
    }
}
