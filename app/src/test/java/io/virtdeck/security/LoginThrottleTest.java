package io.virtdeck.security;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Five failed logins in 15 minutes from one address lock the address, and five for one user name lock the name against
 * the addresses they came from, for 15 minutes; the login page says when to try again without telling whether the
 * user exists. Each test uses addresses of its own
 * so that no lock reaches another test's logins.
 */
@VirtdeckIntegrationTest
class LoginThrottleTest {

    static final String PASSWORD = Api.USER_PASSWORD;
    static final String LOCKED = "Too many failed attempts: try again in 15 minutes.";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void fiveFailuresLockTheUserNameAgainstTheAddressesThatFailedAndSayForHowLong() throws Exception {
        user("lt-ulla");
        for (int i = 1; i <= 4; i++) {
            assertThat(login("lt-ulla", "wrong-" + i, "10.61.0." + i).getResponse().getRedirectedUrl())
                    .isEqualTo("/login?error");
        }
        assertThat(loginPage(login("lt-ulla", "wrong", "10.61.0.5"))).contains("Wrong user name or password.");
        MvcResult right = login("lt-ulla", PASSWORD, "10.61.0.1");
        assertThat(right.getResponse().getRedirectedUrl()).isEqualTo("/login?error");
        assertThat(loginPage(right)).contains(LOCKED);
        mvc.perform(get("/api/v1/me").with(httpBasic("lt-ulla", PASSWORD)).with(from("10.61.0.5")))
                .andExpect(status().isTooManyRequests()).andExpect(header().string("Retry-After", "900"))
                .andExpect(jsonPath("$.message").value(LOCKED));
        assertThat(audited("login.failure", "lt-ulla")).isEqualTo(5);
        assertThat(audited("login.lockout", "lt-ulla")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'login.lockout' AND object_name = 'lt-ulla'")
                .query(String.class).single()).contains("10.61.0.1, 10.61.0.2, 10.61.0.3, 10.61.0.4, 10.61.0.5");
    }

    @Test
    void othersFailuresNeverRefuseARightPasswordFromAnAddressThatHasNotFailed() throws Exception {
        user("lt-yara");
        for (int i = 1; i <= 5; i++) {
            login("lt-yara", "wrong-" + i, "10.66.0." + i);
        }
        assertThat(loginPage(login("lt-yara", PASSWORD, "10.66.0.1"))).contains(LOCKED);
        assertThat(login("lt-yara", PASSWORD, "10.66.1.1").getResponse().getRedirectedUrl()).isEqualTo("/");
        mvc.perform(get("/api/v1/me").with(httpBasic("lt-yara", PASSWORD)).with(from("10.66.1.2")))
                .andExpect(status().isOk());
    }

    @Test
    void whileANameIsLockedAFreshAddressGetsOneGuessThenJoinsTheLock() throws Exception {
        user("lt-zeno");
        for (int i = 1; i <= 5; i++) {
            login("lt-zeno", "wrong-" + i, "10.67.0." + i);
        }
        assertThat(loginPage(login("lt-zeno", "guess", "10.67.1.1"))).contains("Wrong user name or password.");
        assertThat(loginPage(login("lt-zeno", PASSWORD, "10.67.1.1"))).contains(LOCKED);
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'login.lockout' AND object_name = 'lt-zeno' "
                + "ORDER BY id").query(String.class).list()).hasSize(2).last().asString()
                .contains("10.67.1.1 joins the lock");
        assertThat(login("lt-zeno", PASSWORD, "10.67.2.1").getResponse().getRedirectedUrl()).isEqualTo("/");
    }

    @Test
    void apiTokensAreNeverRefusedForFailedPasswords() throws Exception {
        user("lt-abel");
        String token = JsonPath.read(mvc.perform(post("/api/v1/me/tokens").with(httpBasic("lt-abel", PASSWORD))
                        .with(from("10.68.9.9")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"ci\",\"expiresInDays\":1}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.token");
        for (int i = 1; i <= 5; i++) {
            login("lt-abel", "wrong-" + i, "10.68.0.1");
        }
        assertThat(loginPage(login("lt-abel", PASSWORD, "10.68.0.1"))).contains(LOCKED);
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token).with(from("10.68.0.1")))
                .andExpect(status().isOk()).andExpect(jsonPath("$.username").value("lt-abel"));
    }

    @Test
    void aNameThatIsNoUserIsLockedAlikeSoTheLockTellsNothing() throws Exception {
        for (int i = 1; i <= 5; i++) {
            login("lt-nobody", "guess-" + i, "10.62.0." + i);
        }
        assertThat(loginPage(login("lt-nobody", "guess-6", "10.62.0.3"))).contains(LOCKED);
        assertThat(loginPage(login("lt-nobody", "guess-7", "10.62.0.9"))).contains("Wrong user name or password.");
        assertThat(loginPage(login("lt-nobody", "guess-8", "10.62.0.9"))).contains(LOCKED);
    }

    @Test
    void fiveFailuresFromOneAddressLockThatAddressForEveryUser() throws Exception {
        user("lt-vera");
        for (int i = 1; i <= 5; i++) {
            login("lt-spray-" + i, "guess", "10.63.0.1");
        }
        assertThat(loginPage(login("lt-vera", PASSWORD, "10.63.0.1"))).contains(LOCKED);
        assertThat(login("lt-vera", PASSWORD, "10.63.0.2").getResponse().getRedirectedUrl()).isEqualTo("/");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'login.lockout' AND object_type = "
                + "'address' AND object_id = '10.63.0.1'").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aRightPasswordClearsTheUserNamesFailures() throws Exception {
        user("lt-wim");
        for (int i = 1; i <= 4; i++) {
            login("lt-wim", "wrong", "10.64.0." + i);
        }
        assertThat(login("lt-wim", PASSWORD, "10.64.1.1").getResponse().getRedirectedUrl()).isEqualTo("/");
        for (int i = 1; i <= 4; i++) {
            login("lt-wim", "wrong", "10.64.2." + i);
        }
        assertThat(login("lt-wim", PASSWORD, "10.64.3.1").getResponse().getRedirectedUrl()).isEqualTo("/");
    }

    @Test
    void loginsAndLogoutsAreAuditedWithTheirAddress() throws Exception {
        user("lt-xena");
        MvcResult in = login("lt-xena", PASSWORD, "10.65.0.7");
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'login.success' AND username = 'lt-xena'")
                .query(String.class).list()).containsExactly("from 10.65.0.7");
        mvc.perform(post("/logout").session((MockHttpSession) in.getRequest().getSession(false)).with(csrf()));
        assertThat(audited("logout", "lt-xena")).isEqualTo(1);
    }

    private MvcResult login(String username, String password, String address) throws Exception {
        return mvc.perform(post("/login").param("username", username).param("password", password).with(csrf())
                .with(from(address))).andReturn();
    }

    /** The login page the failed login was sent to, in the same browser session. */
    private String loginPage(MvcResult failed) throws Exception {
        return mvc.perform(get("/login").param("error", "").session((MockHttpSession) failed.getRequest()
                .getSession(false))).andReturn().getResponse().getContentAsString();
    }

    private long audited(String action, String name) {
        return Api.audited(jdbc, action, name);
    }

    private void user(String name) throws Exception {
        new Api(mvc).createUser(name, "VIEWER");
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }
}
