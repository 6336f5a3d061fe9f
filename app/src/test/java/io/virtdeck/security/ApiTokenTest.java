package io.virtdeck.security;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** API tokens: shown once and kept hashed, scoped to at most the user's role, and dead once expired, revoked or disabled. */
@VirtdeckIntegrationTest
class ApiTokenTest {

    static final String PASSWORD = Api.USER_PASSWORD;
    /** An action only ADMIN and OPERATOR may ask for: 403 below them, 404 (no such guest) for them. */
    /** Registering a host: OPERATOR on '/'. The empty body gets a 400 once the role check has let it through. */
    static final String OPERATOR_ACTION = "/api/v1/hosts";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aTokenIsShownOnceStoredHashedAndActsAsItsUser() throws Exception {
        long user = user("at-olga", "OPERATOR");
        String created = mvc.perform(asUser(post("/api/v1/me/tokens"), "at-olga")
                        .content("{\"name\":\"ci\",\"expiresInDays\":30}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.role").value("OPERATOR"))
                .andReturn().getResponse().getContentAsString();
        String token = JsonPath.read(created, "$.token");
        assertThat(token).startsWith("vdt_").hasSizeGreaterThan(40);

        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token)).andExpect(status().isOk())
                .andExpect(jsonPath("$.username").value("at-olga"));
        mvc.perform(post(OPERATOR_ACTION).contentType(MediaType.APPLICATION_JSON).content("{}")
                .header("Authorization", "Bearer " + token)).andExpect(status().isBadRequest());

        String list = mvc.perform(get("/api/v1/me/tokens").header("Authorization", "Bearer " + token))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(list).doesNotContain(token).doesNotContain("\"token\"").doesNotContain("sha256");
        assertThat(JsonPath.<List<String>>read(list, "$[*].name")).containsExactly("ci");
        Map<String, Object> row = jdbc.sql("SELECT * FROM api_tokens WHERE user_id = :u").param("u", user)
                .query().singleRow();
        assertThat(row.values().toString()).doesNotContain(token.substring(4));
        assertThat(row.get("secret_sha256")).isEqualTo(ApiTokenService.sha256(token));
        assertThat(row.get("last_used_from")).isEqualTo("127.0.0.1");
        assertThat(Api.audited(jdbc, "token.create", "ci")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void lastUseIsWrittenAtMostOnceAMinute() throws Exception {
        user("at-lena", "VIEWER");
        String token = token("at-lena", "{\"name\":\"poller\",\"expiresInDays\":1}");
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        Timestamp first = lastUse("poller");
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        assertThat(lastUse("poller")).isEqualTo(first);
        jdbc.sql("UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE name = 'poller'").update();
        Timestamp aged = lastUse("poller");
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        assertThat(lastUse("poller")).isAfter(aged);
    }

    @Test
    void aTokenNarrowerThanItsUserIsHeldToItsOwnRoleAndNoneMayBeWider() throws Exception {
        user("at-piet", "OPERATOR");
        String viewer = token("at-piet", "{\"name\":\"read-only\",\"role\":\"VIEWER\",\"expiresInDays\":7}");
        mvc.perform(get("/api/v1/hosts").header("Authorization", "Bearer " + viewer)).andExpect(status().isOk());
        mvc.perform(post(OPERATOR_ACTION).contentType(MediaType.APPLICATION_JSON).content("{}")
                .header("Authorization", "Bearer " + viewer)).andExpect(status().isForbidden());
        mvc.perform(asUser(post("/api/v1/me/tokens"), "at-piet").content("{\"name\":\"x\",\"role\":\"ADMIN\","
                        + "\"expiresInDays\":7}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("role"));
        // a token cannot make a wider one either: it acts with its own role
        mvc.perform(post("/api/v1/me/tokens").header("Authorization", "Bearer " + viewer)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"wider\",\"role\":\"OPERATOR\",\"expiresInDays\":7}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("role"));

        user("at-hana", "HELPDESK");
        mvc.perform(asUser(post("/api/v1/me/tokens"), "at-hana").content("{\"name\":\"x\",\"role\":\"VIEWER\","
                + "\"expiresInDays\":7}")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("role"));
    }

    @Test
    void aUserDemotedSinceGetsTheNarrowerRoleThroughTheirToken() throws Exception {
        long id = user("at-rudi", "OPERATOR");
        String token = token("at-rudi", "{\"name\":\"deploy\",\"expiresInDays\":7}");
        mvc.perform(post(OPERATOR_ACTION).contentType(MediaType.APPLICATION_JSON).content("{}")
                .header("Authorization", "Bearer " + token)).andExpect(status().isBadRequest());
        changeUser(id, "{\"role\":\"VIEWER\"}");
        mvc.perform(post(OPERATOR_ACTION).contentType(MediaType.APPLICATION_JSON).content("{}")
                .header("Authorization", "Bearer " + token)).andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/hosts").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
    }

    @Test
    void expiredRevokedUnknownAndDisabledUsersTokensGet401() throws Exception {
        long id = user("at-sven", "VIEWER");
        String expiring = token("at-sven", "{\"name\":\"short\",\"expiresAt\":\""
                + Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}");
        String revoked = token("at-sven", "{\"name\":\"gone\",\"expiresInDays\":3}");
        String kept = token("at-sven", "{\"name\":\"kept\",\"expiresInDays\":3}");
        for (String token : List.of(expiring, revoked, kept)) {
            mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        }
        jdbc.sql("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'short'").update();
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + expiring))
                .andExpect(status().isUnauthorized()).andExpect(jsonPath("$.status").value(401));

        long goneId = jdbc.sql("SELECT id FROM api_tokens WHERE name = 'gone'").query(Long.class).single();
        mvc.perform(delete("/api/v1/me/tokens/" + goneId).with(httpBasic("admin", Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());
        mvc.perform(delete("/api/v1/me/tokens/" + goneId).with(httpBasic("at-sven", PASSWORD)))
                .andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + revoked))
                .andExpect(status().isUnauthorized());
        assertThat(Api.audited(jdbc, "token.revoke", "gone")).isEqualTo(1);
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer vdt_not-a-token"))
                .andExpect(status().isUnauthorized());

        changeUser(id, "{\"enabled\":false}");
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + kept)).andExpect(status().isUnauthorized());
        changeUser(id, "{\"enabled\":true}");
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + kept)).andExpect(status().isOk());

        String states = mvc.perform(get("/api/v1/me/tokens").with(httpBasic("at-sven", PASSWORD))).andReturn()
                .getResponse().getContentAsString();
        assertThat(JsonPath.<List<String>>read(states, "$[*].name")).containsExactlyInAnyOrder("short", "gone", "kept");
    }

    @Test
    void badRequestsNameTheirField() throws Exception {
        user("at-toni", "VIEWER");
        Map<String, String> refusals = Map.of(
                "{\"expiresInDays\":3}", "name",
                "{\"name\":\"n\"}", "expiresInDays",
                "{\"name\":\"n\",\"expiresInDays\":0}", "expiresInDays",
                "{\"name\":\"n\",\"expiresInDays\":400}", "expiresInDays",
                "{\"name\":\"n\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}", "expiresAt",
                "{\"name\":\"n\",\"expiresAt\":\"tomorrow\"}", "expiresAt",
                "{\"name\":\"n\",\"role\":\"KING\",\"expiresInDays\":3}", "role");
        for (var refusal : refusals.entrySet()) {
            mvc.perform(asUser(post("/api/v1/me/tokens"), "at-toni").content(refusal.getKey()))
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(refusal.getValue()));
        }
    }

    @Test
    void theAccountPageShowsANewTokenOnceAndRevokesIt() throws Exception {
        user("at-page", "OPERATOR");
        MockHttpSession session = (MockHttpSession) mvc.perform(formLogin("/login").user("at-page").password(PASSWORD))
                .andReturn().getRequest().getSession(false);
        var created = mvc.perform(post("/account/tokens").session(session).with(csrf()).param("name", "from-page")
                        .param("role", "VIEWER").param("expiresInDays", "10"))
                .andExpect(flash().attributeExists("newToken")).andReturn();
        String secret = ((ApiToken.Created) created.getFlashMap().get("newToken")).token();
        String page = mvc.perform(get("/account").session(session)).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains(secret).contains("from-page").contains("data-confirm=\"Revoke the token from-page?");
        String again = mvc.perform(get("/account").session(session)).andReturn().getResponse().getContentAsString();
        assertThat(again).contains("from-page").doesNotContain(secret);
        long id = jdbc.sql("SELECT id FROM api_tokens WHERE name = 'from-page'").query(Long.class).single();
        mvc.perform(post("/account/tokens/" + id + "/revoke").session(session).with(csrf()))
                .andExpect(flash().attribute("notice", "Token revoked: scripts using it now get 401."));
        mvc.perform(get("/api/v1/guests").header("Authorization", "Bearer " + secret))
                .andExpect(status().isUnauthorized());
    }

    private Timestamp lastUse(String name) {
        return jdbc.sql("SELECT last_used_at FROM api_tokens WHERE name = :n").param("n", name)
                .query(Timestamp.class).single();
    }

    private long user(String name, String role) throws Exception {
        return new Api(mvc).createUser(name, role);
    }

    private String token(String user, String json) throws Exception {
        return JsonPath.read(mvc.perform(asUser(post("/api/v1/me/tokens"), user).content(json))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.token");
    }

    private void changeUser(long id, String json) throws Exception {
        mvc.perform(patch("/api/v1/users/" + id).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json)).andExpect(status().isOk());
    }

    private static MockHttpServletRequestBuilder asUser(MockHttpServletRequestBuilder request, String user) {
        return request.with(httpBasic(user, PASSWORD)).contentType(MediaType.APPLICATION_JSON);
    }
}
