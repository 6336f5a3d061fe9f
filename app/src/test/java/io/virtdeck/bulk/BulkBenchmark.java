package io.virtdeck.bulk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.testdriver.SimulatedFleet;
import io.virtdeck.inventory.HostService;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bulk actions at 1,000 guests (docs/benchmarks/bulk.md): 20 simulated hosts (libvirt's test driver) of 50 guests,
 * over real HTTP with HTTP Basic. Every guest is started (by id), then all are powered off ("all matching" an empty
 * filter): how long each request takes to answer with its task, how long until the last guest's child task ended,
 * and that none failed. Default limits (16 at once, 4 per host). Prints lines starting "[BulkBenchmark]"; fails only
 * when the work was not done, never on a timing.
 * {@code mvn -B -pl app -am test -Pbenchmark -Dtest=BulkBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@VirtdeckServerTest
@TestPropertySource(properties = "virtdeck.reconcile-interval=1h")
class BulkBenchmark {

    private static final int HOSTS = 20;
    private static final int GUESTS_PER_HOST = 50;
    private static final int GUESTS = HOSTS * GUESTS_PER_HOST;
    private static final String PATH = "/api/v1/guests/bulk-actions";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    HostService hostService;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startThenPowerOffAThousandGuests() throws Exception {
        Path dir = Files.createTempDirectory("bulk-bench");
        List<SimulatedFleet.SimulatedHostFile> files = SimulatedFleet.of(23, HOSTS, GUESTS_PER_HOST).writeTo(dir);
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            for (SimulatedFleet.SimulatedHostFile file : files) {
                hostService.register(file.hostName(), file.uri());
            }
        } finally {
            SecurityContextHolder.clearContext();
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> jdbc.sql("SELECT count(*) FROM guests")
                .query(Long.class).single() == GUESTS);
        System.out.printf("[BulkBenchmark] fleet: %d hosts x %d guests; states %s%n", HOSTS, GUESTS_PER_HOST,
                states());
        List<Long> ids = jdbc.sql("SELECT id FROM guests ORDER BY id").query(Long.class).list();
        // warms the requests' paths (the first loads classes, nothing is compiled yet): the paused guests are
        // resumed, the others skipped
        run("warm-up: resume, by 1,000 ids", "{\"action\":\"resume\",\"guestIds\":[" + String.join(",",
                ids.stream().map(String::valueOf).toList()) + "]}");
        run("warm-up: resume, all matching an empty filter", "{\"action\":\"resume\",\"filter\":{}}");

        String start = "{\"action\":\"start\",\"guestIds\":[" + String.join(",", ids.stream().map(String::valueOf)
                .toList()) + "]}";
        String started = run("start, by 1,000 ids", start);
        assertThat(JsonPath.<Integer>read(started, "$.failed")).as(started).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM guests WHERE state IN ('RUNNING', 'PAUSED')").query(Long.class)
                .single()).isEqualTo(GUESTS);

        String off = run("power off, all matching an empty filter", "{\"action\":\"poweroff\",\"filter\":{}}");
        assertThat(JsonPath.<String>read(off, "$.task.state")).as(off).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<Integer>read(off, "$.failed")).isZero();
        assertThat(JsonPath.<Integer>read(off, "$.skipped")).isZero();
        assertThat(JsonPath.<Integer>read(off, "$.succeeded")).isEqualTo(GUESTS);
        assertThat(jdbc.sql("SELECT count(*) FROM guests WHERE state = 'SHUTOFF'").query(Long.class).single())
                .isEqualTo(GUESTS);
    }

    /** Starts a bulk action, times its answer and its end, prints both; returns its result as it ended. */
    private String run(String what, String body) throws Exception {
        long sent = System.nanoTime();
        HttpResponse<String> answer = post(body);
        double answered = (System.nanoTime() - sent) / 1e6;
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        long id = JsonPath.<Number>read(answer.body(), "$.task.id").longValue();
        String result = await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(PATH + "/" + id), json -> !JsonPath.<String>read(json, "$.task.state")
                        .matches("QUEUED|RUNNING"));
        double ended = (System.nanoTime() - sent) / 1e6;
        int succeeded = JsonPath.read(result, "$.succeeded");
        System.out.printf("[BulkBenchmark] %s: request answered in %.0f ms (%d selected, %d to act on);"
                        + " all ended after %.1f s (%.0f guests/s): %d succeeded, %d failed, %d skipped%n", what,
                answered, JsonPath.<Integer>read(answer.body(), "$.selected"),
                JsonPath.<Integer>read(answer.body(), "$.toAct"), ended / 1000, succeeded / (ended / 1000), succeeded,
                JsonPath.<Integer>read(result, "$.failed"), JsonPath.<Integer>read(result, "$.skipped"));
        System.out.printf("[BulkBenchmark] %s: children per host at once, at most: %s%n", what, jdbc.sql("""
                        SELECT coalesce(max(n), 0) FROM (SELECT (SELECT count(*) FROM tasks d
                                                    JOIN guests gd ON gd.id = d.object_id::bigint
                                                    WHERE d.parent_id = c.parent_id AND gd.host_id = gc.host_id
                                                      AND d.started_at <= c.started_at
                                                      AND d.finished_at > c.started_at) AS n
                                            FROM tasks c JOIN guests gc ON gc.id = c.object_id::bigint
                                            WHERE c.parent_id = :parent AND c.started_at IS NOT NULL) per_child""")
                .param("parent", id).query(Long.class).single());
        return result;
    }

    private String states() {
        return jdbc.sql("SELECT state || ' ' || count(*) FROM guests GROUP BY state ORDER BY state")
                .query(String.class).list().toString();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(request(PATH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        String basic = Base64.getEncoder().encodeToString((Api.ADMIN + ":" + Api.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + basic);
    }
}
