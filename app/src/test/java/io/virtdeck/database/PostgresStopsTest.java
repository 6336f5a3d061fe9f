package io.virtdeck.database;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.support.Api;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.Instances;
import io.virtdeck.support.StoppableDatabase;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.WebSession;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.virtdeck.support.Instances.port;
import static io.virtdeck.support.Instances.send;
import static io.virtdeck.support.Instances.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops under a running Virtdeck and starts again (docs/reliability.md, "When PostgreSQL goes away"): a
 * server of the test's own, stopped with pg_ctl's fast mode as a restart does. Pages and the API answer 503 at once,
 * an open console stays connected, an action is refused before it reaches the host, monitoring stops and comes back
 * by itself, tasks that ran through it are settled, and what happened meanwhile is audited once the database is back.
 * The figures are printed (surefire-reports/...PostgresStopsTest-output.txt).
 */
class PostgresStopsTest {

    private static final Duration RENEWAL = Duration.ofSeconds(1);
    private static final Duration EXPIRY = Duration.ofSeconds(4);
    /** The bound: every answer while the database is away comes within this. */
    private static final Duration PROMPT = Duration.ofSeconds(2);

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Test
    void whileTheDatabaseIsAwayEveryAnswerIs503AtOnceConsolesStayOpenAndAllComesBackByItself() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        Process holder = holdTheDaemonsState();
        try (StoppableDatabase database = new StoppableDatabase();
             Instances instances = new Instances(database.database(), RENEWAL, EXPIRY);
             FakeVncServer display = new FakeVncServer(FakeVncServer.Mode.ECHO)) {
            ConfigurableApplicationContext virtdeck = instances.start();
            JdbcClient jdbc = virtdeck.getBean(JdbcClient.class);
            ConnectionGateway connections = virtdeck.getBean(ConnectionGateway.class);
            long remote = Instances.registerHost(virtdeck, "outage-remote", DAEMON.uri());
            long local = Instances.registerHost(virtdeck, "outage-console", TestHosts.consoleHost(display.port()));
            long guest = runningGuest(jdbc, remote, "test");
            long consoleVm = runningGuest(jdbc, local, "console-vm");

            WebSession admin = WebSession.login(port(virtdeck), Api.ADMIN, Api.ADMIN_PASSWORD);
            ConsoleClient kept = openConsole(virtdeck, admin, consoleVm);
            ConsoleClient closedDuring = openConsole(virtdeck, admin, consoleVm);

            TaskService tasks = virtdeck.getBean(TaskService.class);
            CountDownLatch away = new CountDownLatch(1);
            Task endsDuring = tasks.submit(AuditAction.VOLUME_UPLOAD, AuditObject.host(remote, "outage-remote"), false,
                    progress -> {
                        away.await(30, TimeUnit.SECONDS);
                        progress.update(60, "still copying"); // refused by the database: must not end the work
                        return "copied while the database was away";
                    });
            Task cutShort = tasks.submit(AuditAction.VOLUME_DOWNLOAD, AuditObject.host(local, "outage-console"),
                    false, progress -> {
                        away.await(30, TimeUnit.SECONDS);
                        return "read " + jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single();
                    });

            database.stop();
            long stopped = System.nanoTime();
            away.countDown();

            List<Long> apiMillis = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long sent = System.nanoTime();
                HttpResponse<String> guests = send(virtdeck, HttpRequest.newBuilder(uri(virtdeck, "/api/v1/guests")));
                apiMillis.add(millisSince(sent));
                assertThat(guests.statusCode()).as(guests.body()).isEqualTo(503);
                assertThat(guests.headers().firstValue("Retry-After")).hasValue("5");
                assertThat((String) JsonPath.read(guests.body(), "$.message")).contains("database", "unreachable");
                assertThat((Integer) JsonPath.read(guests.body(), "$.status")).isEqualTo(503);
            }
            long sent = System.nanoTime();
            HttpResponse<String> page = admin.get("/guests");
            long pageMillis = millisSince(sent);
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(page.body()).contains("database is unreachable", "http-equiv=\"refresh\"");

            HttpResponse<String> swap = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(virtdeck,
                    "/guests")).header("Cookie", admin.cookieHeader()).header("HX-Request", "true").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(swap.statusCode()).isEqualTo(503);
            assertThat(swap.headers().firstValue("HX-Refresh")).as("htmx reloads the page to the outage page")
                    .hasValue("true");
            HttpResponse<String> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(virtdeck,
                    "/assets/virtdeck.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(script.statusCode()).as("static files need no database").isEqualTo(200);

            sent = System.nanoTime();
            HttpResponse<String> powerOff = send(virtdeck, HttpRequest.newBuilder(
                    uri(virtdeck, "/api/v1/guests/" + guest + "/actions/poweroff"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            long actionMillis = millisSince(sent);
            assertThat(powerOff.statusCode()).as(powerOff.body()).isEqualTo(503);

            HttpResponse<String> health = send(virtdeck, HttpRequest.newBuilder(uri(virtdeck, "/actuator/health")));
            assertThat(health.statusCode()).isEqualTo(503);

            await().atMost(EXPIRY.plusSeconds(5)).until(() -> connections.monitoredHosts().isEmpty());
            long monitoringStoppedMillis = millisSince(stopped);

            // the console needs nothing of the database once open: bytes go on both ways
            kept.send("during".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(kept.awaitBytes(FakeVncServer.HANDSHAKE_BYTES + 6, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("during");
            closedDuring.close(); // audited once the database is back
            await().atMost(Duration.ofSeconds(5)).until(() -> virtdeck.getBean(AuditLog.class).pending() > 0);
            // away past the leases' expiry, as in a real restart: the instance's own heartbeat lapses too
            await().atMost(Duration.ofSeconds(30)).until(() -> millisSince(stopped) > EXPIRY.plus(RENEWAL).toMillis());
            long outageMillis = millisSince(stopped);

            database.start();
            long back = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> send(virtdeck,
                    HttpRequest.newBuilder(uri(virtdeck, "/api/v1/guests"))).statusCode() == 200);
            long apiBackMillis = millisSince(back);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    connections.state(remote) == ConnectionState.CONNECTED
                            && connections.state(local) == ConnectionState.CONNECTED);
            long monitoringBackMillis = millisSince(back);

            assertThat(virsh("domstate test").strip()).as("the refused power-off never reached the host")
                    .isEqualTo("running");
            assertThat(jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", guest).query(String.class)
                    .single()).isEqualTo("RUNNING");

            TaskRepository taskRows = virtdeck.getBean(TaskRepository.class);
            Task succeeded = await().atMost(Duration.ofSeconds(15)).until(
                    () -> taskRows.findById(endsDuring.id()).orElseThrow(), task -> task.state().finished());
            assertThat(succeeded.state()).isEqualTo(Task.State.SUCCEEDED);
            assertThat(succeeded.message()).isEqualTo("copied while the database was away");
            Task failed = await().atMost(Duration.ofSeconds(15)).until(
                    () -> taskRows.findById(cutShort.id()).orElseThrow(), task -> task.state().finished());
            assertThat(failed.state()).isEqualTo(Task.State.FAILED);
            assertThat(failed.message()).startsWith("The database became unreachable while this task ran");

            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                    SELECT count(*) FROM audit_events WHERE action = 'console.close' AND username = :user
                      AND at BETWEEN to_timestamp(:from) AND to_timestamp(:to)""")
                    .param("user", Api.ADMIN).param("from", epochSeconds(stopped)).param("to", epochSeconds(back))
                    .query(Long.class).single() == 1);

            kept.send("after".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(kept.awaitBytes(FakeVncServer.HANDSHAKE_BYTES + 11, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("duringafter");
            assertThat(kept.isClosed()).isFalse();
            kept.close();

            // a stop while the database is away: no wait on the pool for leases that expire anyway
            database.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> connections.monitoredHosts().isEmpty());
            sent = System.nanoTime();
            virtdeck.close();
            long closeMillis = millisSince(sent);
            database.start(); // for the instances' own close

            System.out.printf("database outage: API 503 in %s ms, page 503 in %d ms, action refused in %d ms;"
                            + " monitoring stopped %d ms after the stop; outage %d ms; API 200 %d ms and both hosts"
                            + " CONNECTED %d ms after the start; Virtdeck stopped in %d ms during a second outage%n",
                    apiMillis, pageMillis, actionMillis, monitoringStoppedMillis, outageMillis, apiBackMillis,
                    monitoringBackMillis, closeMillis);
            assertThat(apiMillis).allMatch(ms -> ms < PROMPT.toMillis());
            assertThat(pageMillis).isLessThan(PROMPT.toMillis());
            assertThat(actionMillis).isLessThan(PROMPT.toMillis());
            assertThat(closeMillis).isLessThan(Duration.ofSeconds(5).toMillis());
        } finally {
            holder.destroy();
        }
    }

    private static long runningGuest(JdbcClient jdbc, long host, String name) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql(
                        "SELECT id FROM guests WHERE host_id = :host AND name = :name AND state = 'RUNNING'")
                .param("host", host).param("name", name).query(Long.class).optional(), java.util.Optional::isPresent)
                .orElseThrow();
    }

    private static ConsoleClient openConsole(ConfigurableApplicationContext virtdeck, WebSession session, long guest)
            throws Exception {
        HttpResponse<String> issued = session.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        ConsoleClient console = ConsoleClient.open(port(virtdeck), JsonPath.read(issued.body(), "$.url"),
                Map.of("Cookie", session.cookieHeader()));
        assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                .isEqualTo("RFB 003.008\n");
        console.sayHello();
        console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5));
        return console;
    }

    /**
     * The test driver keeps its state while a client is connected: an interactive virsh holds a connection, so that
     * what Virtdeck did or did not do can be read after Virtdeck's own connections dropped.
     */
    private static Process holdTheDaemonsState() throws Exception {
        Process process = new ProcessBuilder("virsh", "-c", DAEMON.uri()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedWriter in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(),
                StandardCharsets.UTF_8));
        in.write("uri\n");
        in.flush();
        return process;
    }

    private static String virsh(String command) throws Exception {
        Process process = new ProcessBuilder("virsh", "-q", "-c", DAEMON.uri(), command).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** A System.nanoTime() reading as seconds since the epoch, for the database's clock (same machine). */
    private static double epochSeconds(long nanos) {
        return (System.currentTimeMillis() - millisSince(nanos)) / 1000.0;
    }
}
