package io.virtdeck.security;

import java.util.List;

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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** ADMIN manages users over REST and pages; everyone changes their own password; the policy and the last admin hold. */
@VirtdeckIntegrationTest
class UserAdminTest {

    static final String PASSWORD = Api.USER_PASSWORD;

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anAdminCreatesAUserWhoCanLogInAndWhoseNameCannotBeTakenTwice() throws Exception {
        long id = create("ua-anna", "OPERATOR");
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-anna", PASSWORD))).andExpect(status().isOk())
                .andExpect(jsonPath("$.username").value("ua-anna")).andExpect(jsonPath("$.role").value("OPERATOR"))
                .andExpect(jsonPath("$.passwordHash").doesNotExist());
        String users = new Api(mvc).getJson("/api/v1/users");
        assertThat(JsonPath.<List<String>>read(users, "$[?(@.id == " + id + ")].username")).containsExactly("ua-anna");
        assertThat(users).doesNotContain("password");
        mvc.perform(newUser("ua-anna", "OPERATOR")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("username"));
        mvc.perform(newUser("ua anna", "OPERATOR")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("username"));
        mvc.perform(newUser("ua-bea", "ROOT")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("role"));
        // made once; the second try is refused, and the refusal is in the trail with its reason
        assertThat(jdbc.sql("SELECT outcome || ': ' || coalesce(detail, '') FROM audit_events WHERE action = 'user.create'"
                + " AND object_name = 'ua-anna' ORDER BY id").query(String.class).list())
                .containsExactly("SUCCESS: role OPERATOR", "FAILURE: A user named 'ua-anna' exists already.");
    }

    @Test
    void passwordsBreakingThePolicyAreRefusedNamingTheField() throws Exception {
        for (String weak : List.of("short-1", "ua-carl-is-me-1", "password1234", "aaaaaaaaaaaaaaa")) {
            mvc.perform(new Api(mvc).post("/api/v1/users",
                            "{\"username\":\"ua-carl\",\"password\":\"" + weak + "\",\"role\":\"VIEWER\"}"))
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("password"))
                    .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith("password ")));
        }
        long id = create("ua-carl", "VIEWER");
        mvc.perform(new Api(mvc).post("/api/v1/users/" + id + "/password", "{\"password\":\"qwerty123456\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("password"));
        mvc.perform(post("/api/v1/me/password").with(httpBasic("ua-carl", PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"UA-CARL-2026-x\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("newPassword"));
        mvc.perform(post("/api/v1/me/password").with(httpBasic("ua-carl", PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"currentPassword\":\"not-it\",\"newPassword\":\"Quiet-River-Stone-4\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("currentPassword"));
    }

    @Test
    void usersChangeTheirOwnPasswordAndAnAdminResetsIt() throws Exception {
        long id = create("ua-dora", "HELPDESK");
        mvc.perform(post("/api/v1/me/password").with(httpBasic("ua-dora", PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"Quiet-River-Stone-4\"}"))
                .andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-dora", PASSWORD))).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-dora", "Quiet-River-Stone-4"))).andExpect(status().isOk());

        MockHttpSession session = login("ua-dora", "Quiet-River-Stone-4");
        mvc.perform(post("/account/password").session(session).with(csrf()).param("currentPassword",
                        "Quiet-River-Stone-4").param("newPassword", "Green-Lamp-Window-7"))
                .andExpect(redirectedUrl("/account")).andExpect(flash().attribute("notice", "Your password is changed."));

        mvc.perform(new Api(mvc).post("/api/v1/users/" + id + "/password", "{\"password\":\"Reset-By-Admin-2026\"}"))
                .andExpect(status().isNoContent());
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-dora", "Reset-By-Admin-2026"))).andExpect(status().isOk());
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'user.password' AND object_name = 'ua-dora'"
                + " ORDER BY id").query(String.class).list())
                .containsExactly("changed by the user", "changed by the user", "reset by an admin");
    }

    @Test
    void aDisabledUsersSessionAndBasicLoginStopWorkingAndANewRoleAppliesAtOnce() throws Exception {
        long id = create("ua-emil", "OPERATOR");
        MockHttpSession session = login("ua-emil", PASSWORD);
        // registering a host (refused here for its empty name: a redirect with the reason) is the operator's
        mvc.perform(post("/hosts").session(session).with(csrf()).param("name", "").param("uri", ""))
                .andExpect(status().is3xxRedirection());

        mvc.perform(change(id, "{\"role\":\"VIEWER\"}")).andExpect(status().isOk())
                .andExpect(jsonPath("$.role").value("VIEWER"));
        mvc.perform(post("/hosts").session(session).with(csrf()).param("name", "").param("uri", ""))
                .andExpect(status().isForbidden());
        mvc.perform(get("/guests").session(session)).andExpect(status().isOk());

        mvc.perform(change(id, "{\"enabled\":false}")).andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(false));
        mvc.perform(get("/guests").session(session)).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
        assertThat(session.isInvalid()).isTrue();
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-emil", PASSWORD))).andExpect(status().isUnauthorized());

        mvc.perform(change(id, "{\"enabled\":true}")).andExpect(status().isOk());
        mvc.perform(get("/api/v1/me").with(httpBasic("ua-emil", PASSWORD))).andExpect(status().isOk());
        for (String action : List.of("user.role", "user.disable", "user.enable")) {
            assertThat(Api.audited(jdbc, action, "ua-emil")).as(action).isEqualTo(1);
        }
    }

    @Test
    void theLastEnabledAdminCannotBeDisabledOrDemoted() throws Exception {
        long admin = jdbc.sql("SELECT id FROM users WHERE username = 'admin'").query(Long.class).single();
        List<Long> others = jdbc.sql("SELECT id FROM users WHERE role = 'ADMIN' AND enabled AND id <> :id")
                .param("id", admin).query(Long.class).list();
        try {
            for (long other : others) {
                mvc.perform(change(other, "{\"enabled\":false}")).andExpect(status().isOk());
            }
            mvc.perform(change(admin, "{\"role\":\"OPERATOR\"}")).andExpect(status().isConflict())
                    .andExpect(jsonPath("$.field").value("role"));
            mvc.perform(change(admin, "{\"enabled\":false}")).andExpect(status().isConflict())
                    .andExpect(jsonPath("$.field").value("enabled"));
            mvc.perform(new Api(mvc).get("/api/v1/users/" + admin)).andExpect(jsonPath("$.enabled").value(true))
                    .andExpect(jsonPath("$.role").value("ADMIN"));
            assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE object_name = 'admin' AND outcome = 'FAILURE'"
                    + " AND action IN ('user.role', 'user.disable')").query(Long.class).single()).isEqualTo(2);
        } finally {
            for (long other : others) {
                mvc.perform(change(other, "{\"enabled\":true}")).andExpect(status().isOk());
            }
        }
    }

    @Test
    void theUsersPagesLetAnAdminCreateChangeAndResetFromTheBrowser() throws Exception {
        var asAdmin = user(Api.ADMIN).roles("ADMIN");
        mvc.perform(post("/admin/users").with(asAdmin).with(csrf()).param("username", "ua-page")
                        .param("password", PASSWORD).param("role", "HELPDESK"))
                .andExpect(redirectedUrl("/admin/users"))
                .andExpect(flash().attribute("notice", "User ua-page created as HELPDESK."));
        mvc.perform(post("/admin/users").with(asAdmin).with(csrf()).param("username", "ua-page2")
                        .param("password", "short").param("role", "HELPDESK"))
                .andExpect(flash().attribute("problem", "password must be at least 12 characters long."));
        long id = jdbc.sql("SELECT id FROM users WHERE username = 'ua-page'").query(Long.class).single();
        String list = mvc.perform(get("/admin/users").with(asAdmin)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(list).contains("href=\"/admin/users/" + id + "\"").contains(">ua-page<");
        mvc.perform(post("/admin/users/" + id + "/role").with(asAdmin).with(csrf()).param("role", "VIEWER"))
                .andExpect(flash().attribute("notice", "ua-page is now VIEWER."));
        String page = mvc.perform(get("/admin/users/" + id).with(asAdmin)).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains("data-confirm=\"Disable ua-page?");
        mvc.perform(post("/admin/users/" + id + "/enabled").with(asAdmin).with(csrf()).param("enabled", "false"))
                .andExpect(redirectedUrl("/admin/users/" + id));
        mvc.perform(post("/admin/users/" + id + "/password").with(asAdmin).with(csrf())
                .param("password", "Another-Fine-Day-3")).andExpect(flash().attribute("notice",
                "Password reset. Tell the user the new one by a safe way."));
        mvc.perform(new Api(mvc).get("/api/v1/users/" + id)).andExpect(jsonPath("$.enabled").value(false))
                .andExpect(jsonPath("$.role").value("VIEWER"));
        mvc.perform(get("/admin/users/999999").with(asAdmin)).andExpect(status().isNotFound());
    }

    private long create(String username, String role) throws Exception {
        return new Api(mvc).createUser(username, role);
    }

    private MockHttpServletRequestBuilder newUser(String username, String role) {
        return new Api(mvc).post("/api/v1/users", "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"" + role + "\"}");
    }

    private MockHttpServletRequestBuilder change(long id, String json) {
        return patch("/api/v1/users/" + id).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json);
    }

    private MockHttpSession login(String username, String password) throws Exception {
        return (MockHttpSession) mvc.perform(formLogin("/login").user(username).password(password))
                .andExpect(redirectedUrl("/")).andReturn().getRequest().getSession(false);
    }
}
