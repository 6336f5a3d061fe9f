package io.virtdeck.console;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.Api;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.Instances;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.virtdeck.support.Instances.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several instances behind a load balancer: the browser's page asked instance A for a console ticket, and its
 * WebSocket reaches instance B, which never saw the browser's session. B opens the console all the same, once, for
 * that browser session only.
 */
class ConsoleOnAnotherInstanceTest {

    private static final String PASSWORD = "console-instances-pw";

    @Test
    void aTicketIssuedByOneInstanceOpensTheConsoleOnAnotherOnceAndOnlyForItsBrowserSession() throws Exception {
        try (Instances instances = new Instances(Duration.ofSeconds(1), Duration.ofSeconds(4));
             FakeVncServer display = new FakeVncServer(FakeVncServer.Mode.ECHO)) {
            ConfigurableApplicationContext first = instances.start();
            ConfigurableApplicationContext second = instances.start();
            first.getBean(InitialUsers.class).ensure(PASSWORD, "test",
                    new InitialUsers.UserSpec("x-helpdesk", Role.HELPDESK));
            long host = Instances.registerHost(first, "console-host", TestHosts.consoleHost(display.port()));
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            long guest = await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql(
                            "SELECT id FROM guests WHERE host_id = :host AND name = 'console-vm' AND state = 'RUNNING'")
                    .param("host", host).query(Long.class).optional(), java.util.Optional::isPresent).orElseThrow();

            WebSession desk = WebSession.login(port(first), "x-helpdesk", PASSWORD);
            Map<String, String> cookie = Map.of("Cookie", desk.cookieHeader());
            int before = display.connections();

            String otherSessions = ticket(desk, guest);
            WebSession sameUserElsewhere = WebSession.login(port(first), "x-helpdesk", PASSWORD);
            assertRefused(port(second), otherSessions, Map.of("Cookie", sameUserElsewhere.cookieHeader()),
                    "another browser session");
            assertRefused(port(second), ticket(desk, guest), Map.of(), "another browser session");
            assertThat(display.connections()).as("no refused ticket reached the display").isEqualTo(before);

            String url = ticket(desk, guest);
            try (ConsoleClient console = ConsoleClient.open(port(second), url, cookie)) {
                assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                        .isEqualTo("RFB 003.008\n");
                console.sayHello();
                byte[] serverInit = console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5));
                assertThat(new String(serverInit, StandardCharsets.US_ASCII)).endsWith(FakeVncServer.NAME);
                console.send("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(console.awaitBytes(serverInit.length + 4, Duration.ofSeconds(5)),
                        StandardCharsets.US_ASCII)).endsWith("ping");

                // used on B, it is used everywhere
                assertRefused(port(first), url, cookie, "used already");
            }
            assertThat(display.connections()).isEqualTo(before + 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> Api.audited(jdbc, "console.open", "console-vm"),
                    count -> count == 1);
            assertThat(jdbc.sql("SELECT username FROM audit_events WHERE action = 'console.open'")
                    .query(String.class).single()).as("the console is the ticket holder's, not anonymous")
                    .isEqualTo("x-helpdesk");

            String issuedBeforeDisabling = ticket(desk, guest);
            jdbc.sql("UPDATE users SET enabled = false WHERE username = 'x-helpdesk'").update();
            assertRefused(port(second), issuedBeforeDisabling, cookie, "is disabled");
            assertThat(display.connections()).isEqualTo(before + 1);
        }
    }

    private static String ticket(WebSession session, long guest) throws Exception {
        HttpResponse<String> issued = session.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return JsonPath.read(issued.body(), "$.url");
    }

    private static void assertRefused(int port, String path, Map<String, String> headers, String reason)
            throws Exception {
        ConsoleClient.Refusal refusal = ConsoleClient.refusal(port, path, headers);
        assertThat(refusal).as("refused: " + reason).isNotNull();
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.body()).contains(reason);
    }
}
