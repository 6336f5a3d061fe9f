package io.virtdeck.security;

import java.util.List;
import java.util.Map;

import io.virtdeck.core.Role;
import io.virtdeck.support.HttpFrom;
import io.virtdeck.support.ReadmeNginx;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logins behind nginx configured with the README's snippet, from clients of distinct real addresses on the loopback
 * (127.0.0.2, 127.0.0.3, ...). Virtdeck trusts nginx's address alone here, as a deployment names its proxy: one client's
 * failures lock that client and its share of the account, not everyone behind the proxy; and a client that reaches
 * Virtdeck's port directly cannot choose the address it is counted under.
 */
@VirtdeckServerTest
@TestPropertySource(properties = "server.tomcat.remoteip.internal-proxies=127.0.0.1/32")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginBehindNginxTest {

    private static final String PASSWORD = "proxy-test-pw-1";
    private static final String LOCKED = "Too many failed attempts";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;

    private ReadmeNginx nginx;

    @BeforeAll
    void usersAndNginxInFront() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("pn-vic", Role.VIEWER),
                new InitialUsers.UserSpec("pn-olga", Role.OPERATOR), new InitialUsers.UserSpec("pn-dora", Role.VIEWER));
        nginx = ReadmeNginx.start(port);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void oneClientsFailuresLockThatClientAndThatAccountThereButAnotherClientLogsIn() throws Exception {
        HttpFrom guesser = new HttpFrom("127.0.0.2", nginx.port());
        for (int i = 1; i <= 5; i++) {
            assertThat(guesser.basic("/api/v1/me", "pn-vic", "wrong-" + i, Map.of()).status()).isEqualTo(401);
        }
        HttpFrom.Response locked = guesser.basic("/api/v1/me", "pn-vic", PASSWORD, Map.of());
        assertThat(locked.status()).as("the guesser's right password").isEqualTo(429);
        assertThat(locked.body()).contains(LOCKED);
        assertThat(guesser.basic("/api/v1/me", "pn-olga", PASSWORD, Map.of()).status())
                .as("the guesser's address is locked for every name").isEqualTo(429);

        HttpFrom person = new HttpFrom("127.0.0.3", nginx.port());
        HttpFrom.Response in = person.login("pn-vic", PASSWORD);
        assertThat(in.status()).isEqualTo(302);
        assertThat(in.headers().get("location")).as("another client's login").doesNotContain("error");
        assertThat(new HttpFrom("127.0.0.3", nginx.port()).basic("/api/v1/me", "pn-olga", PASSWORD, Map.of())
                .status()).as("everyone else behind the proxy").isEqualTo(200);

        assertThat(details("login.failure", "pn-vic")).hasSize(5).containsOnly("from 127.0.0.2");
        assertThat(jdbc.sql("SELECT object_id FROM audit_events WHERE action = 'login.lockout' AND object_type = "
                + "'address'").query(String.class).list()).contains("127.0.0.2").doesNotContain("127.0.0.1");
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'login.lockout' AND object_type = 'user' "
                + "AND object_name = 'pn-vic'").query(String.class).single()).contains("from 127.0.0.2:");
        assertThat(details("login.success", "pn-vic")).containsExactly("from 127.0.0.3");
    }

    @Test
    void aClientThatIsNoTrustedProxyIsCountedUnderItsRealAddressWhateverItForwards() throws Exception {
        HttpFrom forger = new HttpFrom("127.0.0.4", port);
        for (int i = 1; i <= 5; i++) {
            assertThat(forger.basic("/api/v1/me", "pn-dora", "wrong-" + i,
                    Map.of("X-Forwarded-For", "198.51.100." + i)).status()).isEqualTo(401);
        }
        assertThat(details("login.failure", "pn-dora")).hasSize(5).containsOnly("from 127.0.0.4");
        HttpFrom.Response locked = forger.basic("/api/v1/me", "pn-olga", PASSWORD,
                Map.of("X-Forwarded-For", "198.51.100.77"));
        assertThat(locked.status()).as("a fresh forged address does not unlock the forger").isEqualTo(429);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'login.lockout' AND object_type = "
                + "'address' AND object_id = '127.0.0.4'").query(Long.class).single()).isEqualTo(1);
        assertThat(new HttpFrom("127.0.0.5", port).basic("/api/v1/me", "pn-dora", PASSWORD,
                Map.of("X-Forwarded-For", "127.0.0.4")).status()).as("naming the locked address changes nothing")
                .isEqualTo(200);
    }

    private List<String> details(String action, String user) {
        return jdbc.sql("SELECT detail FROM audit_events WHERE action = :a AND username = :u ORDER BY id")
                .param("a", action).param("u", user).query(String.class).list();
    }
}
