package io.virtdeck.console;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.ReadmeNginx;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console behind nginx configured with the README's own snippet: log in, get a ticket and open the console's
 * WebSocket all through the proxy, as a browser behind it would; the admin's list of sessions names the browser's
 * address, not the proxy's.
 */
@VirtdeckServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBehindNginxTest {

    private static final String PASSWORD = "nginx-test-pw";
    /** The browser's address as a trusted hop in front of nginx (on the loopback) names it; nginx adds its own. */
    private static final String CLIENT = "198.51.100.20";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private FakeVncServer display;
    private ReadmeNginx nginx;
    private int proxyPort;
    private long guest;

    @BeforeAll
    void aGuestAndNginxInFront() throws Exception {
        display = new FakeVncServer(FakeVncServer.Mode.ECHO);
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("n-helpdesk", Role.HELPDESK));
        AdminApi api = new AdminApi(port);
        long host = api.hostIdOrRegister("nginx-host", TestHosts.consoleHost(display.port()));
        guest = api.guestIdOn(host, "console-vm");
        nginx = ReadmeNginx.start(port);
        proxyPort = nginx.port();
    }

    @AfterAll
    void stop() throws IOException, InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        display.close();
    }

    @Test
    void theConsoleWorksThroughTheReadmesNginxSnippet() throws Exception {
        WebSession desk = WebSession.login(proxyPort, "n-helpdesk", PASSWORD);
        HttpResponse<String> issued = desk.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        try (ConsoleClient console = ConsoleClient.open(proxyPort, JsonPath.read(issued.body(), "$.url"),
                Map.of("Cookie", desk.cookieHeader(), "X-Forwarded-For", CLIENT))) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                    .isEqualTo("RFB 003.008\n");
            console.sayHello();
            byte[] serverInit = console.awaitBytes(18 + 24 + FakeVncServer.NAME.length(), Duration.ofSeconds(5));
            console.send("through nginx".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(console.awaitBytes(serverInit.length + 13, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("through nginx");
            assertThat(JsonPath.<java.util.List<String>>read(new AdminApi(port).get("/api/v1/console/sessions"),
                    "$[?(@.user == 'n-helpdesk')].remoteAddress")).as("the session names the client, not nginx")
                    .containsExactly(CLIENT);
        }
    }
}
