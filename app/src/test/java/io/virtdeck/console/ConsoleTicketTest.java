package io.virtdeck.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Console tickets and the proxy over real HTTP and WebSocket, against a test-driver guest whose VNC display is a
 * {@link FakeVncServer}: a ticket opens one console; replayed, expired, foreign, missing or unknown tickets are
 * refused before a byte reaches the display; another site's page or a plain GET is refused without spending the
 * ticket; viewers get no ticket; a shut-off guest has no console.
 */
@VirtdeckServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTicketTest {

    private static final String PASSWORD = "console-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;

    private FakeVncServer display;
    private long guest;
    private long shutOff;

    @BeforeAll
    void aGuestWithADisplay() throws Exception {
        display = new FakeVncServer(FakeVncServer.Mode.ECHO);
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("c-helpdesk", Role.HELPDESK),
                new InitialUsers.UserSpec("c-operator", Role.OPERATOR), new InitialUsers.UserSpec("c-viewer",
                        Role.VIEWER), new InitialUsers.UserSpec("c-admin", Role.ADMIN));
        AdminApi api = new AdminApi(port);
        long host = api.hostIdOrRegister("console-host", TestHosts.consoleHost(display.port()));
        guest = api.guestIdOn(host, "console-vm");
        shutOff = api.guestIdOn(host, "console-off");
    }

    @AfterAll
    void stopTheDisplay() throws Exception {
        display.close();
    }

    @Test
    void aTicketOpensTheGuestsDisplayOnceAndIsRefusedWhenReplayed() throws Exception {
        WebSession desk = WebSession.login(port, "c-helpdesk", PASSWORD);
        HttpResponse<String> issued = desk.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String ticket = JsonPath.read(issued.body(), "$.ticket");
        String url = JsonPath.read(issued.body(), "$.url");
        assertThat(ticket).as("at least 128 random bits, base64url").matches("[A-Za-z0-9_-]{43,}");
        assertThat(Instant.parse(JsonPath.read(issued.body(), "$.expiresAt")))
                .isBetween(Instant.now().plusSeconds(50), Instant.now().plusSeconds(61));
        Map<String, String> cookie = Map.of("Cookie", desk.cookieHeader());

        int before = display.connections();
        try (ConsoleClient console = ConsoleClient.open(port, url, cookie)) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                    .isEqualTo("RFB 003.008\n");
            console.sayHello();
            byte[] serverInit = console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5));
            assertThat(new String(serverInit, StandardCharsets.US_ASCII)).endsWith(FakeVncServer.NAME);
            console.send("ping".getBytes(StandardCharsets.US_ASCII)); // the display echoes: both ways work
            assertThat(new String(console.awaitBytes(serverInit.length + 4, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("ping");
            assertThat(display.connections()).isEqualTo(before + 1);

            ConsoleClient.Refusal replay = ConsoleClient.refusal(port, url, cookie);
            assertThat(replay).isNotNull();
            assertThat(replay.status()).isEqualTo(403);
            assertThat(replay.body()).contains("used already");
        }
        assertThat(display.connections()).as("the replay reached nothing").isEqualTo(before + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Api.audited(jdbc, "console.close", "console-vm"),
                count -> count >= 1);
        assertThat(Api.audited(jdbc, "console.open", "console-vm")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void expiredForeignMissingAndUnknownTicketsAreRefusedBeforeAnyByteReachesTheGuest() throws Exception {
        WebSession desk = WebSession.login(port, "c-helpdesk", PASSWORD);
        WebSession operator = WebSession.login(port, "c-operator", PASSWORD);
        int before = display.connections();

        String expired = ticketPath(desk);
        jdbc.sql("UPDATE console_tickets SET expires_at = now() - interval '1 second'").update();
        assertRefused(expired, desk, "expired");

        assertRefused(ticketPath(desk), operator, "issued to another user");
        WebSession sameUserOtherBrowser = WebSession.login(port, "c-helpdesk", PASSWORD);
        assertRefused(ticketPath(desk), sameUserOtherBrowser, "another browser session");
        assertRefused("/console/ws", desk, "No console ticket");
        assertRefused("/console/ws?ticket=" + "A".repeat(43), desk, "not valid");

        assertThat(display.connections()).as("no refused ticket reached the display").isEqualTo(before);
        assertThat(Api.audited(jdbc, "console.refused", "console-vm")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anotherSitesPageOrAPlainRequestIsRefusedWithItsReasonAndLeavesTheTicketForTheRealConsole() throws Exception {
        WebSession desk = WebSession.login(port, "c-helpdesk", PASSWORD);
        String url = ticketPath(desk);
        int before = display.connections();
        long refusedBefore = refusals("another site (https://evil.example)");
        long plainBefore = refusals("over a WebSocket only");

        // a page of another site that got hold of the ticket; the browser sends the user's cookie along
        ConsoleClient.Refusal foreign = ConsoleClient.refusal(port, url,
                Map.of("Cookie", desk.cookieHeader(), "Origin", "https://evil.example"));
        assertThat(foreign).isNotNull();
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("another site").contains("https://evil.example");
        // a link preview or a pasted address: a plain GET of the console's URL
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + url)).header("Cookie", desk.cookieHeader()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("over a WebSocket only");
        assertThat(refusals("another site (https://evil.example)")).isEqualTo(refusedBefore + 1);
        assertThat(refusals("over a WebSocket only")).isEqualTo(plainBefore + 1);
        assertThat(display.connections()).as("the refused attempts reached nothing").isEqualTo(before);

        try (ConsoleClient console = ConsoleClient.open(port, url, Map.of("Cookie", desk.cookieHeader()))) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                    .as("the ticket was not spent by the refused attempts").isEqualTo("RFB 003.008\n");
            console.sayHello();
            assertThat(new String(console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith(FakeVncServer.NAME);
        }
        assertThat(display.connections()).isEqualTo(before + 1);
    }

    @Test
    void viewersGetNoTicketAndAShutOffGuestHasNoConsole() throws Exception {
        WebSession viewer = WebSession.login(port, "c-viewer", PASSWORD);
        HttpResponse<String> denied = viewer.post("/guests/" + guest + "/console/ticket");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("does not allow opening consoles");
        assertThat(viewer.get("/guests/" + guest + "/console").statusCode()).isEqualTo(403);

        for (String user : new String[] {"c-admin", "c-operator", "c-helpdesk"}) {
            assertThat(WebSession.login(port, user, PASSWORD).post("/guests/" + guest + "/console/ticket").statusCode())
                    .as(user).isEqualTo(200);
        }
        HttpResponse<String> off = WebSession.login(port, "c-helpdesk", PASSWORD)
                .post("/guests/" + shutOff + "/console/ticket");
        assertThat(off.statusCode()).isEqualTo(409);
        assertThat(off.body()).contains("'console-off' is shut off");
    }

    @Test
    void adminSeesOpenConsolesAndClosesThem() throws Exception {
        WebSession desk = WebSession.login(port, "c-helpdesk", PASSWORD);
        try (ConsoleClient console = ConsoleClient.open(port, ticketPath(desk),
                Map.of("Cookie", desk.cookieHeader()))) {
            console.awaitBytes(12, Duration.ofSeconds(5));
            console.sayHello();
            WebSession admin = WebSession.login(port, "c-admin", PASSWORD);
            String sessions = admin.get("/console/sessions").body();
            assertThat(sessions).contains("c-helpdesk").contains("console-vm");
            assertThat(WebSession.login(port, "c-operator", PASSWORD).get("/console/sessions").statusCode())
                    .isEqualTo(403);
            String id = sessions.replaceAll("(?s).*id=\"session-([0-9a-f]{8})\".*", "$1");
            assertThat(admin.post("/console/sessions/" + id + "/close").statusCode()).isEqualTo(302);
            assertThat(console.awaitClose(Duration.ofSeconds(5))).isEqualTo("4001 An administrator closed this"
                    + " console.");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("SELECT count(*) FROM audit_events WHERE action ="
                + " 'console.close' AND detail LIKE '%closed by c-admin%'").query(Long.class).single(), n -> n >= 1);
    }

    private String ticketPath(WebSession session) throws Exception {
        HttpResponse<String> issued = session.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return JsonPath.read(issued.body(), "$.url");
    }

    /** The console-vm's refusals audited for c-helpdesk whose detail holds {@code text}. */
    private long refusals(String text) {
        return jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'console.refused' AND object_name ="
                + " 'console-vm' AND username = 'c-helpdesk' AND detail LIKE :text").param("text", "%" + text + "%")
                .query(Long.class).single();
    }

    private void assertRefused(String path, WebSession session, String reason) throws Exception {
        ConsoleClient.Refusal refusal = ConsoleClient.refusal(port, path, Map.of("Cookie", session.cookieHeader()));
        assertThat(refusal).as("refused: " + reason).isNotNull();
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.body()).contains(reason);
    }

}
