package io.virtdeck.backup;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Instances;
import io.virtdeck.support.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two whole Virtdeck instances on one database, both looking for due jobs every 15 seconds: a job whose schedule fires
 * every minute, across two fire times, starts exactly one backup (one task, one backup point, one audit entry) per
 * fire. (On the test driver each backup fails to begin, which changes nothing to who starts it.)
 */
class BackupJobTwoInstancesTest {

    private final Instances instances = new Instances(Duration.ofMillis(500), Duration.ofSeconds(2));

    @AfterEach
    void stopInstances() {
        instances.close();
    }

    @Test
    void aJobFiringEveryMinuteRunsOncePerFire() throws Exception {
        ConfigurableApplicationContext a = instances.start();
        ConfigurableApplicationContext b = instances.start();
        AdminApi api = new AdminApi(Instances.port(a));
        long host = api.hostIdOrRegister("once-host", TestHosts.smallHost());
        long guest = api.guestIdOn(host, "alpha-web");
        HttpResponse<String> store = Instances.send(b, json(b, "/api/v1/backup-stores",
                "{\"name\":\"once-store\",\"hostId\":" + host + ",\"pool\":\"default\"}"));
        assertThat(store.statusCode()).as(store.body()).isEqualTo(201);
        long storeId = com.jayway.jsonpath.JsonPath.<Number>read(store.body(), "$.id").longValue();
        HttpResponse<String> job = Instances.send(a, json(a, "/api/v1/backup-jobs", "{\"name\":\"every-minute\","
                + "\"scope\":\"guest\",\"guestId\":" + guest + ",\"storeId\":" + storeId
                + ",\"schedule\":\"* * * * *\",\"retention\":{\"keepLast\":5}}"));
        assertThat(job.statusCode()).as(job.body()).isEqualTo(201);
        JdbcClient jdbc = a.getBean(JdbcClient.class);
        Instant first = jdbc.sql("SELECT next_run_at FROM backup_jobs WHERE name = 'every-minute'")
                .query(Timestamp.class).single().toInstant();
        Instant second = first.plusSeconds(60);

        // both fire times pass, and both instances look for due jobs several times after each
        await("two fire times claimed").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !jdbc.sql("SELECT next_run_at FROM backup_jobs WHERE name = 'every-minute'")
                        .query(Timestamp.class).single().toInstant().isBefore(second.plusSeconds(60)));
        await("their backups ended").atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                "SELECT count(*) FROM tasks WHERE type = 'backup.run' AND state IN ('QUEUED', 'RUNNING')")
                .query(Long.class).single() == 0);
        Thread.sleep(20_000); // more rounds of both instances' look for due jobs: nothing more may start

        List<Instant> starts = jdbc.sql("SELECT started_at FROM tasks WHERE type = 'backup.run' AND object_id = :guest"
                        + " ORDER BY started_at").param("guest", Long.toString(guest)).query(Timestamp.class).list()
                .stream().map(Timestamp::toInstant).toList();
        System.out.printf("[two instances] fires at %s and %s; backup tasks started at %s%n", first, second, starts);
        assertThat(starts).as("one backup task per fire").hasSize(2);
        assertThat(starts.get(0)).isBetween(first, first.plusSeconds(30));
        assertThat(starts.get(1)).isBetween(second, second.plusSeconds(30));
        assertThat(jdbc.sql("SELECT count(*) FROM backup_points p JOIN backup_chains c ON c.id = p.chain_id"
                + " WHERE c.store_id = :store").param("store", storeId).query(Long.class).single())
                .as("one backup point per fire").isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'backup.run' AND username ="
                + " 'job:every-minute'").query(Long.class).single()).as("one audit entry per fire").isEqualTo(2);
    }

    private static HttpRequest.Builder json(ConfigurableApplicationContext instance, String path, String body) {
        return HttpRequest.newBuilder(Instances.uri(instance, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
