package io.virtdeck.console;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.ConsoleClient;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.UnixSocketRelay;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A console through SSH to a display on a UNIX socket of its host ({@code <graphics type='vnc' socket='...'/>}, no TCP
 * port): on a host Virtdeck reaches as {@code test+libssh://root@127.0.0.2:PORT/...} through a real sshd that admits
 * one key ({@link TestLibvirtDaemon#withSsh}), the display opens through {@code ssh -W /path/of/socket} (OpenSSH's
 * direct-streamlocal channel) with the host's stored key. The socket is a {@link UnixSocketRelay} in front of a
 * {@link FakeVncServer}.
 */
@VirtdeckServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOnUnixSocketThroughSshTest {

    private static final String PASSWORD = "socket-ssh-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;

    private FakeVncServer display;
    private UnixSocketRelay socket;
    private TestLibvirtDaemon daemon;
    private long guest;

    @BeforeAll
    void aGuestWhoseDisplayIsOnAUnixSocketOfItsHost() throws Exception {
        display = new FakeVncServer(FakeVncServer.Mode.ECHO);
        socket = new UnixSocketRelay(display.port());
        daemon = new TestLibvirtDaemon().withSsh().start();
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("socket-ssh-operator", Role.OPERATOR));
        String hostFile = URI.create(TestHosts.consoleHostOnSocket(socket.socket())).getPath();
        AdminApi api = new AdminApi(port);
        HttpResponse<String> registered = api.call("POST", "/api/v1/hosts", JsonMapper.builder().build()
                .writeValueAsString(Map.of("name", "socket-over-ssh", "uri", daemon.sshUri("127.0.0.2", hostFile),
                        "credentials", Map.of("type", "ssh-key", "privateKey", daemon.sshClientKey(),
                                "knownHosts", daemon.sshKnownHosts()))));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        long host = ((Number) JsonPath.read(registered.body(), "$.id")).longValue();
        guest = api.guestIdOn(host, "console-vm");
    }

    @AfterAll
    void stopAll() throws Exception {
        socket.close();
        display.close();
        daemon.close();
    }

    @Test
    void theConsoleReachesTheSocketThroughSshWithTheHostsStoredKey() throws Exception {
        WebSession operator = WebSession.login(port, "socket-ssh-operator", PASSWORD);
        HttpResponse<String> issued = operator.post("/guests/" + guest + "/console/ticket");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        List<Path> before = credentialDirectories();

        int connections = display.connections();
        try (ConsoleClient console = ConsoleClient.open(port, JsonPath.read(issued.body(), "$.url"),
                Map.of("Cookie", operator.cookieHeader()))) {
            assertThat(new String(console.awaitBytes(12, Duration.ofSeconds(15)), StandardCharsets.US_ASCII))
                    .isEqualTo("RFB 003.008\n");
            console.sayHello();
            byte[] serverInit = console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(5));
            console.send("ping".getBytes(StandardCharsets.US_ASCII)); // the display echoes, through the tunnel
            assertThat(new String(console.awaitBytes(serverInit.length + 4, Duration.ofSeconds(5)),
                    StandardCharsets.US_ASCII)).endsWith("ping");
            assertThat(display.connections()).isEqualTo(connections + 1);
            assertThat(credentialDirectories()).as("the key's files, gone while the console runs").isEqualTo(before);
        }
        String opened = await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("""
                        SELECT coalesce(string_agg(detail, ' | '), '') FROM audit_events
                        WHERE action = 'console.open' AND object_name = 'console-vm' AND outcome = 'SUCCESS'""")
                .query(String.class).single(), detail -> !detail.isEmpty());
        assertThat(opened).contains("UNIX socket " + socket.socket() + " via ssh root@127.0.0.2");
    }

    private static List<Path> credentialDirectories() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("virtdeck-credentials-")).sorted()
                    .toList();
        }
    }
}
