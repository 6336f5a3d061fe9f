package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;

/**
 * A remote host that goes away: a real libvirtd serving the test driver over TCP, killed (or frozen) and brought
 * back by the test. The host must turn UNREACHABLE quickly, nothing may hang meanwhile, and it must come back.
 * Short keepalive and backoff settings keep the waits short; they make this class's own application context.
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {
        "virtdeck.libvirt.keepalive-interval=1",
        "virtdeck.libvirt.keepalive-count=2",
        "virtdeck.libvirt.reconnect-initial-delay=200ms",
        "virtdeck.libvirt.reconnect-max-delay=1s",
        // longer than keepalive's 1 s x 2 (closes after 2-3 s), so a silent host is found by keepalive, not by a
        // call timing out
        "virtdeck.libvirt.call-timeout=5s"})
class UnreachableHostTest {

    /** The longest any request may take while its host is unreachable. */
    private static final Duration QUICK = Duration.ofSeconds(2);

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api() {
        return new Api(mvc);
    }

    @Test
    void aHostWhoseDaemonDiesIsUnreachableWithoutHangingRequestsAndConnectedAgainWhenItReturns() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        long hostId = api().registerHost("gone-1", DAEMON.uri());
        try {
            long guestId = connectedWithGuestTest(hostId);

            long stoppedAt = System.nanoTime();
            DAEMON.stop();
            String lost = awaitHostState(hostId, "UNREACHABLE", Duration.ofSeconds(5));
            Duration toUnreachable = since(stoppedAt);
            System.out.printf("[UnreachableHostTest] daemon killed -> host UNREACHABLE in %d ms (reason: %s)%n",
                    toUnreachable.toMillis(), JsonPath.<String>read(lost, "$.stateReason"));
            assertThat(JsonPath.<String>read(lost, "$.stateReason")).isNotBlank();

            assertNothingHangsWhileUnreachable(hostId, guestId, "killed");
            // audited by the inventory's listener right after it stored the state the API shows
            await().atMost(Duration.ofSeconds(5)).until(() -> audited("host.lost", "gone-1"), n -> n >= 1);
            assertThat(audited("host.lost", "gone-1")).isEqualTo(1);

            long restartedAt = System.nanoTime();
            DAEMON.start();
            awaitHostState(hostId, "CONNECTED", Duration.ofSeconds(10));
            Duration toConnected = since(restartedAt);
            String guest = await().atMost(Duration.ofSeconds(5)).until(() -> json("/api/v1/guests/" + guestId),
                    body -> !"UNKNOWN".equals(JsonPath.read(body, "$.state")));
            System.out.printf("[UnreachableHostTest] daemon restarted -> host CONNECTED in %d ms, guest back in %d ms"
                    + " (%s)%n", toConnected.toMillis(), since(restartedAt).toMillis(),
                    JsonPath.<String>read(guest, "$.state"));
            assertThat(JsonPath.<String>read(guest, "$.state")).isEqualTo("RUNNING");
            assertThat(JsonPath.<String>read(json("/api/v1/hosts/" + hostId), "$.stateReason")).isNull();
            assertThat(audited("host.back", "gone-1")).isEqualTo(1);
            assertThat(audited("host.lost", "gone-1")).isEqualTo(1);
        } finally {
            remove(hostId);
        }
    }

    @Test
    void aHostThatStopsAnsweringIsNoticedAndConnectedAgainWhenItAnswers() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        long hostId = api().registerHost("silent-1", DAEMON.uri());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            long guestId = connectedWithGuestTest(hostId);

            // SIGSTOP: the socket stays open and nothing answers; keepalive (1 s x 2) notices, before the call
            // timeout (5 s). An action sent now waits for that, no longer.
            long frozenAt = System.nanoTime();
            DAEMON.freeze();
            Future<Timed> inFlight = caller.submit(
                    () -> timed(api().post("/api/v1/guests/" + guestId + "/actions/start", "")));
            String lost = awaitHostState(hostId, "UNREACHABLE", Duration.ofSeconds(8));
            Duration toUnreachable = since(frozenAt);
            Timed action = inFlight.get(10, TimeUnit.SECONDS);
            System.out.printf("[UnreachableHostTest] daemon frozen -> host UNREACHABLE in %d ms (reason: %s); "
                            + "action sent at the freeze answered %d in %d ms: %s%n", toUnreachable.toMillis(),
                    JsonPath.<String>read(lost, "$.stateReason"), action.status(), action.millis(), action.body());
            assertThat(JsonPath.<String>read(lost, "$.stateReason")).contains("keepalive");
            assertThat(action.status()).isEqualTo(409);
            assertThat(JsonPath.<String>read(action.body(), "$.message")).startsWith("Host 'silent-1' cannot be reached");
            assertThat(action.took()).isLessThan(Duration.ofMillis(4500));

            assertNothingHangsWhileUnreachable(hostId, guestId, "frozen");
            assertThat(audited("host.lost", "silent-1")).isEqualTo(1);

            // Stay silent long enough for reconnect attempts to be given up after the call timeout: each is left
            // hanging in libvirt, and completes once the daemon answers again.
            sleepUntil(frozenAt, Duration.ofSeconds(10));
            long thawedAt = System.nanoTime();
            DAEMON.thaw();
            awaitHostState(hostId, "CONNECTED", Duration.ofSeconds(10));
            Duration toConnected = since(thawedAt);
            String guest = await().atMost(Duration.ofSeconds(5)).until(() -> json("/api/v1/guests/" + guestId),
                    body -> !"UNKNOWN".equals(JsonPath.read(body, "$.state")));
            System.out.printf("[UnreachableHostTest] daemon thawed after %d ms -> host CONNECTED in %d ms (guest %s)%n",
                    Duration.ofNanos(thawedAt - frozenAt).toMillis(), toConnected.toMillis(),
                    JsonPath.<String>read(guest, "$.state"));
            assertThat(JsonPath.<String>read(guest, "$.state")).isEqualTo("RUNNING");
            assertThat(audited("host.back", "silent-1")).isEqualTo(1);
            // the one managed connection, not also the ones opened late for attempts already given up
            await().atMost(Duration.ofSeconds(3)).until(() -> connectionsTo(DAEMON.port()), count -> count == 1);
        } finally {
            caller.shutdownNow();
            DAEMON.stop(); // never leave it frozen: closing a connection to a silent daemon waits for keepalive
            remove(hostId);
        }
    }

    @Test
    void aDaemonThatIsDownAtRegistrationIsRefusedQuicklyAndNothingIsStored() throws Exception {
        String uri;
        try (TestLibvirtDaemon daemon = new TestLibvirtDaemon()) {
            daemon.start();
            uri = daemon.uri();
            daemon.stop();
        }
        long hostsBefore = jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single();
        Timed answer = timed(api().post("/api/v1/hosts", "{\"name\":\"down-1\",\"uri\":\"" + uri + "\"}"));
        System.out.printf("[UnreachableHostTest] registering a dead daemon answered %d in %d ms: %s%n",
                answer.response().getStatus(), answer.took().toMillis(), answer.body());
        assertThat(answer.response().getStatus()).isEqualTo(400);
        assertThat(answer.took()).isLessThan(QUICK);
        assertThat(JsonPath.<String>read(answer.body(), "$.field")).isEqualTo("uri");
        assertThat(JsonPath.<String>read(answer.body(), "$.message")).contains(uri);
        assertThat(jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single()).isEqualTo(hostsBefore);
    }

    // --- steps ------------------------------------------------------------------------------------------------

    /** Waits for the host to be CONNECTED with the test driver's domain "test" in the inventory; its guest id. */
    private long connectedWithGuestTest(long hostId) throws Exception {
        awaitHostState(hostId, "CONNECTED", Duration.ofSeconds(15));
        long guestId = api().guestId(hostId, "test");
        String guests = json("/api/v1/guests?host=" + hostId);
        assertThat(JsonPath.<List<String>>read(guests, "$.items[*].name")).containsExactly("test");
        assertThat(JsonPath.<List<String>>read(guests, "$.items[*].state")).containsExactly("RUNNING");
        return guestId;
    }

    private void assertNothingHangsWhileUnreachable(long hostId, long guestId, String how) throws Exception {
        Timed host = timed(api().get("/api/v1/hosts/" + hostId));
        Timed list = timed(api().get("/api/v1/guests?host=" + hostId));
        Timed detail = timed(api().get("/api/v1/guests/" + guestId));
        Timed start = timed(api().post("/api/v1/guests/" + guestId + "/actions/start", ""));
        System.out.printf("[UnreachableHostTest] while %s: GET host %d ms (%d), GET guests %d ms (%d), "
                        + "GET guest %d ms (%d), POST start %d ms (%d: %s)%n", how,
                host.millis(), host.status(), list.millis(), list.status(), detail.millis(), detail.status(),
                start.millis(), start.status(), start.body());

        assertThat(host.status()).isEqualTo(200);
        assertThat(JsonPath.<String>read(host.body(), "$.state")).isEqualTo("UNREACHABLE");
        assertThat(list.status()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(list.body(), "$.items[*].state")).containsExactly("UNKNOWN");
        assertThat(detail.status()).isEqualTo(200);
        assertThat(JsonPath.<String>read(detail.body(), "$.state")).isEqualTo("UNKNOWN");

        assertThat(start.status()).isEqualTo(409);
        assertThat(JsonPath.<Integer>read(start.body(), "$.status")).isEqualTo(409);
        assertThat(JsonPath.<String>read(start.body(), "$.error")).isEqualTo("Conflict");
        assertThat(JsonPath.<String>read(start.body(), "$.message")).contains("cannot be reached");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.start' AND object_name = 'test'"
                + " AND outcome = 'FAILURE' AND detail LIKE '%unreachable%'").query(Long.class).single())
                .isPositive();

        for (Timed answer : List.of(host, list, detail, start)) {
            assertThat(answer.took()).as(answer.body()).isLessThan(QUICK);
        }
    }

    private String awaitHostState(long hostId, String state, Duration limit) {
        return await().atMost(limit).until(() -> json("/api/v1/hosts/" + hostId),
                body -> state.equals(JsonPath.read(body, "$.state")));
    }

    private void remove(long hostId) throws Exception {
        mvc.perform(delete("/api/v1/hosts/" + hostId).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)));
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private record Timed(MockHttpServletResponse response, Duration took) {

        int status() {
            return response.getStatus();
        }

        long millis() {
            return took.toMillis();
        }

        String body() {
            try {
                return response.getContentAsString();
            } catch (java.io.UnsupportedEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Timed timed(RequestBuilder request) throws Exception {
        long before = System.nanoTime();
        MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
        return new Timed(response, since(before));
    }

    private static void sleepUntil(long startNanos, Duration after) throws InterruptedException {
        long left = startNanos + after.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Established TCP connections from this machine to 127.0.0.1:port (the client ends: all of them ours). */
    private static long connectionsTo(int port) {
        try {
            String remote = String.format(":%04X", port);
            return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .filter(fields -> fields[2].endsWith(remote) && "01".equals(fields[3]))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    private long audited(String action, String objectName) {
        return Api.audited(jdbc, action, objectName);
    }

    private String json(String path) {
        return api().getJson(path);
    }
}
