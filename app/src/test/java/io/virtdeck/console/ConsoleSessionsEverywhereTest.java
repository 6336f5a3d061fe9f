package io.virtdeck.console;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
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
 * Two instances behind a load balancer: a help-desk console served by the second is listed by the first, with the
 * instance serving it and its bytes, and the administrator on the first closes it: the second disconnects the
 * browser, says an administrator closed it, and audits who.
 */
class ConsoleSessionsEverywhereTest {

    private static final String PASSWORD = "console-everywhere-pw";

    @Test
    void anAdministratorOnOneInstanceSeesAndClosesAConsoleServedByAnother() throws Exception {
        try (Instances instances = new Instances(Duration.ofSeconds(1), Duration.ofSeconds(4));
             FakeVncServer display = new FakeVncServer(FakeVncServer.Mode.ECHO)) {
            ConfigurableApplicationContext first = instances.start();
            ConfigurableApplicationContext second = instances.start();
            first.getBean(InitialUsers.class).ensure(PASSWORD, "test",
                    new InitialUsers.UserSpec("e-helpdesk", Role.HELPDESK));
            long host = Instances.registerHost(first, "everywhere-host", TestHosts.consoleHost(display.port()));
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            long guest = await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql(
                            "SELECT id FROM guests WHERE host_id = :host AND name = 'console-vm' AND state = 'RUNNING'")
                    .param("host", host).query(Long.class).optional(), java.util.Optional::isPresent).orElseThrow();

            WebSession desk = WebSession.login(port(second), "e-helpdesk", PASSWORD);
            HttpResponse<String> issued = desk.post("/guests/" + guest + "/console/ticket");
            assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
            try (ConsoleClient console = ConsoleClient.open(port(second), JsonPath.read(issued.body(), "$.url"),
                    Map.of("Cookie", desk.cookieHeader()))) {
                console.awaitBytes(12, Duration.ofSeconds(5));
                console.sayHello();
                console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5));
                console.send("ping".getBytes(StandardCharsets.US_ASCII));

                List<Map<String, Object>> listed = await().atMost(Duration.ofSeconds(10)).until(
                        () -> JsonPath.<List<Map<String, Object>>>read(adminGet(first, "/api/v1/console/sessions"),
                                "$[?(@.user == 'e-helpdesk')]"),
                        sessions -> sessions.size() == 1 && ((Number) sessions.get(0).get("bytesFromBrowser"))
                                .longValue() > 0);
                assertThat(listed.get(0).get("guestName")).isEqualTo("console-vm");
                String id = (String) listed.get(0).get("id");
                VirtdeckInstance serving = second.getBean(VirtdeckInstance.class);
                assertThat(listed.get(0).get("instance")).isEqualTo(serving.name());
                assertThat(jdbc.sql("SELECT instance_id FROM console_sessions WHERE id = :id").param("id", id)
                        .query(java.util.UUID.class).single()).as("served by the second").isEqualTo(serving.id());
                assertThat(adminGet(second, "/api/v1/console/sessions")).as("the same list on either instance")
                        .contains("\"id\":\"" + id + "\"");

                HttpResponse<String> closed = Instances.send(first, HttpRequest.newBuilder(
                        Instances.uri(first, "/api/v1/console/sessions/" + id)).DELETE());
                assertThat(closed.statusCode()).as(closed.body()).isEqualTo(204);
                assertThat(console.awaitClose(Duration.ofSeconds(5))).contains("An administrator closed this console");
                await().atMost(Duration.ofSeconds(5)).until(() -> adminGet(first, "/api/v1/console/sessions"),
                        body -> !body.contains(id));
                await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("SELECT detail FROM audit_events"
                                + " WHERE action = 'console.close' AND username = 'e-helpdesk'").query(String.class)
                        .optional(), detail -> detail.isPresent() && detail.get().contains("closed by admin"));
            }
            HttpResponse<String> gone = Instances.send(first, HttpRequest.newBuilder(
                    Instances.uri(first, "/api/v1/console/sessions/nope")).DELETE());
            assertThat(gone.statusCode()).isEqualTo(404);
        }
    }

    private static String adminGet(ConfigurableApplicationContext instance, String path) throws Exception {
        HttpResponse<String> response = Instances.send(instance, HttpRequest.newBuilder(Instances.uri(instance,
                path)).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
