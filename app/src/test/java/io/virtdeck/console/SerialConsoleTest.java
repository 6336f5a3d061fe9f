package io.virtdeck.console;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.hypervisor.SerialConsole;
import io.virtdeck.hypervisor.SerialConsoleGateway;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The serial console over real HTTP and WebSocket: tickets say which console they open, help desk opens the serial
 * console but cannot take it from someone, viewers get none; libvirt's test driver, which opens no console streams,
 * refuses with its reason. One writer at a time (the rule libvirt enforces) is checked against a loopback console
 * that keeps libvirt's rule: a second opener is told who holds it and since when, an operator takes it over and the
 * holder's page is told who did. The console of a real guest, in a browser: SerialConsoleLabBrowserTest.
 */
@VirtdeckServerTest
@Import(SerialConsoleTest.Loopback.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SerialConsoleTest {

    private static final String PASSWORD = "serial-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    LoopbackConsoles loopback;

    private AdminApi api;
    private long serialOnly;
    private long both;
    private long shutOff;

    @BeforeAll
    void guestsWithSerialPorts() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("s-helpdesk", Role.HELPDESK),
                new InitialUsers.UserSpec("s-helpdesk2", Role.HELPDESK),
                new InitialUsers.UserSpec("s-operator", Role.OPERATOR), new InitialUsers.UserSpec("s-viewer",
                        Role.VIEWER), new InitialUsers.UserSpec("s-admin", Role.ADMIN));
        api = new AdminApi(port);
        long host = api.hostIdOrRegister("serial-host", TestHosts.serialHost());
        serialOnly = api.guestIdOn(host, "serial-vm");
        both = api.guestIdOn(host, "serial-both");
        shutOff = api.guestIdOn(host, "serial-off");
    }

    @Test
    @Order(1)
    void ticketsForHelpdeskOperatorsAndAdminsNotViewersAndOnlyOperatorsAndAdminsMayForce() throws Exception {
        WebSession desk = WebSession.login(port, "s-helpdesk", PASSWORD);
        HttpResponse<String> issued = desk.post("/guests/" + serialOnly + "/serial-console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(issued.body(), "$.url")).startsWith("/console/ws?ticket=");
        assertThat(jdbc.sql("SELECT kind FROM console_tickets ORDER BY expires_at DESC LIMIT 1").query(String.class)
                .single()).isEqualTo("serial");

        HttpResponse<String> forced = desk.post("/guests/" + serialOnly + "/serial-console/ticket?force=true");
        assertThat(forced.statusCode()).isEqualTo(403);
        assertThat(forced.body()).contains("does not allow taking over");
        WebSession viewer = WebSession.login(port, "s-viewer", PASSWORD);
        assertThat(viewer.post("/guests/" + serialOnly + "/serial-console/ticket").statusCode()).isEqualTo(403);
        assertThat(viewer.get("/guests/" + serialOnly + "/serial-console").statusCode()).isEqualTo(403);
        WebSession operator = WebSession.login(port, "s-operator", PASSWORD);
        assertThat(operator.post("/guests/" + serialOnly + "/serial-console/ticket?force=true").statusCode())
                .isEqualTo(200);
        assertThat(desk.post("/guests/" + shutOff + "/serial-console/ticket").body()).contains("shut off");
        assertThat(desk.post("/guests/" + shutOff + "/serial-console/ticket").statusCode()).isEqualTo(409);
        HttpResponse<String> byApi = api.call("POST", "/api/v1/guests/" + serialOnly + "/serial-console?force=true",
                "");
        assertThat(byApi.statusCode()).as(byApi.body()).isEqualTo(200);

        // the page: a terminal with its first ticket; take-over offered to those who may force only
        String page = desk.get("/guests/" + serialOnly + "/serial-console").body();
        assertThat(page).contains("data-ticket-path=\"/console/ws?ticket=", "/assets/serial-console-")
                .doesNotContain("id=\"take-over\"");
        assertThat(operator.get("/guests/" + serialOnly + "/serial-console").body()).contains("id=\"take-over\"");
    }

    @Test
    @Order(2)
    void aGuestWithoutADisplayGetsItsSerialConsoleFromItsConsoleLinkAndOneWithBothOffersBoth() throws Exception {
        WebSession desk = WebSession.login(port, "s-helpdesk", PASSWORD);
        String serialPage = desk.get("/guests/" + serialOnly).body();
        assertThat(serialPage).contains("href=\"/guests/" + serialOnly + "/serial-console\"")
                .doesNotContain("href=\"/guests/" + serialOnly + "/console\"");
        assertThat(serialPage.replaceAll("\\s+", " ")).contains("Open console</a>");
        String bothPage = desk.get("/guests/" + both).body();
        assertThat(bothPage).contains("href=\"/guests/" + both + "/console\"",
                "href=\"/guests/" + both + "/serial-console\"");
        // the console page of a guest without a display (a link kept from before, typed) sends it to the serial one
        HttpResponse<String> vncPage = desk.get("/guests/" + serialOnly + "/console");
        assertThat(vncPage.statusCode()).isEqualTo(302);
        assertThat(vncPage.headers().firstValue("Location").orElse("")).endsWith("/guests/" + serialOnly
                + "/serial-console");
        assertThat(desk.get("/guests/" + both + "/console").statusCode()).isEqualTo(200);
        // the VNC console of a guest without a display is refused as before
        assertThat(desk.post("/guests/" + serialOnly + "/console/ticket").statusCode()).isEqualTo(409);
    }

    @Test
    @Order(3)
    void libvirtsTestDriverOpensNoConsoleStreamAndTheRefusalSaysSo() throws Exception {
        loopback.enabled = false;
        try {
            WebSession desk = WebSession.login(port, "s-helpdesk", PASSWORD);
            String url = JsonPath.read(desk.post("/guests/" + serialOnly + "/serial-console/ticket").body(), "$.url");
            try (ConsoleClient console = ConsoleClient.open(port, url, Map.of("Cookie", desk.cookieHeader()))) {
                String closed = console.awaitClose(Duration.ofSeconds(10));
                System.out.println("[serial] the test driver's answer: " + closed);
                assertThat(closed).isEqualTo("4003 The host of 'serial-vm' opens no serial consoles (a simulated"
                        + " host, such as libvirt's test driver, has none).");
            }
            assertThat(Api.audited(jdbc, "console.serial.open", "serial-vm")).isGreaterThanOrEqualTo(1);
        } finally {
            loopback.enabled = true;
        }
    }

    @Test
    @Order(4)
    void oneWriterAtATimeASecondOpenerIsToldWhoHoldsItAndAnOperatorTakesItOver() throws Exception {
        WebSession desk = WebSession.login(port, "s-helpdesk", PASSWORD);
        Map<String, String> deskCookie = Map.of("Cookie", desk.cookieHeader());
        try (ConsoleClient first = ConsoleClient.open(port, serialTicket(desk, false), deskCookie)) {
            first.send("echo hi\r".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(first.awaitBytes(8, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                    .isEqualTo("echo hi\r");
            await().atMost(Duration.ofSeconds(5)).until(() -> api.call("GET", "/api/v1/console/sessions", null)
                    .body(), body -> JsonPath.<List<String>>read(body,
                    "$[?(@.user == 's-helpdesk' && @.guestName == 'serial-vm')].kind").contains("serial"));

            // another help desk user: told who holds it and since when, and cannot force
            WebSession desk2 = WebSession.login(port, "s-helpdesk2", PASSWORD);
            try (ConsoleClient second = ConsoleClient.open(port, serialTicket(desk2, false),
                    Map.of("Cookie", desk2.cookieHeader()))) {
                String refused = second.awaitClose(Duration.ofSeconds(5));
                assertThat(refused).startsWith("4009 ").contains("held by s-helpdesk since").contains("UTC");
            }
            assertThat(desk2.post("/guests/" + serialOnly + "/serial-console/ticket?force=true").statusCode())
                    .isEqualTo(403);
            assertThat(first.isClosed()).as("the holder keeps the console").isFalse();

            // an operator without force is told the same; with force takes it over
            WebSession operator = WebSession.login(port, "s-operator", PASSWORD);
            Map<String, String> operatorCookie = Map.of("Cookie", operator.cookieHeader());
            try (ConsoleClient asked = ConsoleClient.open(port, serialTicket(operator, false), operatorCookie)) {
                assertThat(asked.awaitClose(Duration.ofSeconds(5))).startsWith("4009 ").contains("s-helpdesk");
            }
            try (ConsoleClient taker = ConsoleClient.open(port, serialTicket(operator, true), operatorCookie)) {
                assertThat(first.awaitClose(Duration.ofSeconds(5)))
                        .isEqualTo("4005 s-operator took over this serial console.");
                taker.send("whoami\r".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(taker.awaitBytes(7, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                        .isEqualTo("whoami\r");
                assertThat(loopback.opened(UUID.fromString("77777777-7777-4777-8777-777777777701")))
                        .as("libvirt was asked to force").containsSubsequence(false, true);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.audited(jdbc, "console.serial.takeover",
                "serial-vm"), count -> count >= 1);
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'console.serial.takeover' ORDER BY id DESC"
                + " LIMIT 1").query(String.class).single()).contains("taken from s-helpdesk");
        // both sessions end, the taken one and the taker's (its close comes once the server saw the client's)
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.audited(jdbc, "console.close", "serial-vm"),
                count -> count >= 2);
    }

    private String serialTicket(WebSession session, boolean force) throws Exception {
        HttpResponse<String> issued = session.post("/guests/" + serialOnly + "/serial-console/ticket"
                + (force ? "?force=true" : ""));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return JsonPath.read(issued.body(), "$.url");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Loopback {
        @Bean
        @Primary
        LoopbackConsoles loopbackConsoles(@Qualifier("libvirtSerialConsoles") SerialConsoleGateway libvirt) {
            return new LoopbackConsoles(libvirt);
        }
    }

    /**
     * A serial port that echoes what it is sent, held by one client at a time as libvirt's consoles are: without
     * force a second opener is refused; with force the holder's stream ends. Disabled, libvirt answers.
     */
    static final class LoopbackConsoles implements SerialConsoleGateway {

        private final SerialConsoleGateway libvirt;
        private final Map<UUID, Echo> held = new ConcurrentHashMap<>();
        private final Map<UUID, List<Boolean>> forced = new ConcurrentHashMap<>();
        volatile boolean enabled = true;

        LoopbackConsoles(SerialConsoleGateway libvirt) {
            this.libvirt = libvirt;
        }

        List<Boolean> opened(UUID uuid) {
            return forced.getOrDefault(uuid, List.of());
        }

        @Override
        public synchronized SerialConsole openSerialConsole(long hostId, UUID uuid, boolean force) {
            if (!enabled) {
                return libvirt.openSerialConsole(hostId, uuid, force);
            }
            forced.computeIfAbsent(uuid, u -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(force);
            Echo holder = held.get(uuid);
            if (holder != null && !holder.closed) {
                if (!force) {
                    throw new SerialConsoleBusyException("operation failed: Active console session exists for this"
                            + " domain");
                }
                holder.close();
            }
            Echo echo = new Echo();
            held.put(uuid, echo);
            return echo;
        }
    }

    private static final class Echo implements SerialConsole {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile boolean closed;

        @Override
        public synchronized int read(byte[] buffer) {
            if (closed) {
                return -1;
            }
            byte[] bytes = pending.toByteArray();
            int n = Math.min(bytes.length, buffer.length);
            System.arraycopy(bytes, 0, buffer, 0, n);
            pending.reset();
            pending.write(bytes, n, bytes.length - n);
            return n;
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            pending.write(bytes, offset, length);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
