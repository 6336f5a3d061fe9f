package io.virtdeck.console;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.Lab;
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
import static org.awaitility.Awaitility.await;

/**
 * The console behind nginx configured with the README's own snippet: log in, get a ticket and open the console's
 * WebSocket all through the proxy, as a browser behind it would.
 */
@VirtdeckServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBehindNginxTest {

    private static final String PASSWORD = "nginx-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private FakeVncServer display;
    private Process nginx;
    private Path prefix;
    private int proxyPort;
    private long guest;

    @BeforeAll
    void aGuestAndNginxInFront() throws Exception {
        display = new FakeVncServer(FakeVncServer.Mode.ECHO);
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("n-helpdesk", Role.HELPDESK));
        AdminApi api = new AdminApi(port);
        long host = api.hostIdOrRegister("nginx-host", TestHosts.consoleHost(display.port()));
        guest = api.guestIdOn(host, "console-vm");
        startNginx();
    }

    @AfterAll
    void stop() throws IOException, InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        display.close();
    }

    @Test
    void theConsoleWorksThroughTheReadmesNginxSnippet() throws Exception {
        WebSession desk = WebSession.login(proxyPort, "n-helpdesk", PASSWORD);
        HttpResponse<String> issued = desk.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        try (ConsoleClient console = ConsoleClient.open(proxyPort, JsonPath.read(issued.body(), "$.url"),
                Map.of("Cookie", desk.cookieHeader()))) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(5)), StandardCharsets.US_ASCII))
                    .isEqualTo("RFB 003.008\n");
            console.sayHello();
            byte[] serverInit = console.awaitBytes(18 + 24 + FakeVncServer.NAME.length(), Duration.ofSeconds(5));
            console.send("through nginx".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(console.awaitBytes(serverInit.length + 13, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("through nginx");
        }
    }

    /** nginx on a free port, its server block being the README's snippet pointed at this test's Virtdeck. */
    private void startNginx() throws Exception {
        String readme = Files.readString(Lab.repoRoot().resolve("README.md"));
        Matcher snippet = Pattern.compile("```nginx\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(snippet.find()).as("the README has an nginx snippet").isTrue();
        try (ServerSocket free = new ServerSocket(0)) {
            proxyPort = free.getLocalPort();
        }
        prefix = Files.createTempDirectory("virtdeck-nginx");
        Files.createDirectories(prefix.resolve("logs"));
        String conf = "daemon off;\npid " + prefix.resolve("nginx.pid") + ";\nerror_log " + prefix.resolve("error.log")
                + ";\nevents {}\nhttp {\naccess_log off;\nserver {\nlisten 127.0.0.1:" + proxyPort + ";\n"
                + snippet.group(1).replace("127.0.0.1:8080", "127.0.0.1:" + port) + "}\n}\n";
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        nginx = new ProcessBuilder(binary, "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-e", prefix.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("out.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", proxyPort)) {
                return true;
            } catch (IOException e) {
                assertThat(nginx.isAlive()).as("nginx: " + Files.readString(prefix.resolve("out.log"))).isTrue();
                return false;
            }
        }, up -> up);
    }
}
