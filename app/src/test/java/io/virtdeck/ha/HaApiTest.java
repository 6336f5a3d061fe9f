package io.virtdeck.ha;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Turning a guest's high availability on and off: the kept definition, checks naming the field, roles, audit. */
@VirtdeckIntegrationTest
class HaApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    long guest;

    @BeforeEach
    void host() throws Exception {
        Api api = new Api(mvc);
        long host = api.registerHost("ha-" + System.nanoTime(), TestHosts.smallHost());
        guest = api.guestId(host, "alpha-web");
    }

    @Test
    void anOperatorTurnsItOnWithAPriorityAndTheDefinitionIsKept() throws Exception {
        set("OPERATOR", "{\"enabled\":true,\"priority\":50}").andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(true)).andExpect(jsonPath("$.priority").value(50))
                .andExpect(jsonPath("$.definitionKeptAt").isNotEmpty());
        assertThat(jdbc.sql("SELECT definition FROM ha_guests h JOIN guests g ON g.uuid = h.guest_uuid WHERE g.id = :id")
                .param("id", guest).query(String.class).single()).contains("<name>alpha-web</name>");
        mvc.perform(get("/api/v1/guests/" + guest + "/ha").with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.enabled").value(true));
        mvc.perform(get("/api/v1/ha").with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.guests[?(@.id == " + guest + ")].priority").value(50));
        assertThat(Api.audited(jdbc, "guest.ha", "alpha-web")).isPositive();

        set("ADMIN", "{\"enabled\":false}").andExpect(status().isOk()).andExpect(jsonPath("$.enabled").value(false));
        assertThat(jdbc.sql("SELECT count(*) FROM ha_guests h JOIN guests g ON g.uuid = h.guest_uuid WHERE g.id = :id")
                .param("id", guest).query(Long.class).single()).isZero();
    }

    @Test
    void badInputIsA400NamingTheFieldAndChangesNothing() throws Exception {
        set("ADMIN", "{\"enabled\":true,\"priority\":101}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("priority"));
        set("ADMIN", "{\"enabled\":true,\"priority\":-1}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("priority"));
        set("ADMIN", "{\"priority\":5}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field")
                .value("enabled"));
        assertThat(jdbc.sql("SELECT count(*) FROM ha_guests h JOIN guests g ON g.uuid = h.guest_uuid WHERE g.id = :id")
                .param("id", guest).query(Long.class).single()).isZero();
    }

    @Test
    void viewersAndHelpDeskMayNotChangeItAndHelpDeskSeesNoFleetPage() throws Exception {
        set("VIEWER", "{\"enabled\":true}").andExpect(status().isForbidden());
        set("HELPDESK", "{\"enabled\":true}").andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/ha").with(user("h").roles("HELPDESK"))).andExpect(status().isForbidden());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.ha' AND outcome = 'FAILURE'"
                + " AND object_id = :id").param("id", Long.toString(guest)).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void onlyAnAdministratorConfirmsAHostDownAndOnlyOneThatDoesNotAnswer() throws Exception {
        long host = jdbc.sql("SELECT host_id FROM guests WHERE id = :id").param("id", guest).query(Long.class).single();
        mvc.perform(post("/api/v1/hosts/" + host + "/confirm-down").with(user("o").roles("OPERATOR")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/hosts/" + host + "/confirm-down").with(user("a").roles("ADMIN")))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.message").value(
                        org.hamcrest.Matchers.endsWith("answers: it is not down.")));
    }

    @Test
    void theGuestPageLoadsTheCardWhoseSwitchIsForThoseWhoMayOperate() throws Exception {
        String page = mvc.perform(get("/guests/" + guest).with(user("o").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("hx-get=\"/guests/" + guest + "/ha\"");
        assertThat(card("OPERATOR")).contains("Off: when its host is lost", "Turn high availability on");
        assertThat(card("VIEWER")).contains("Off: when its host is lost").doesNotContain("<form");

        String on = mvc.perform(post("/guests/" + guest + "/ha").with(user("o").roles("OPERATOR")).with(csrf())
                        .param("enabled", "true").param("priority", "7"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(on).contains("High availability is on, restart priority 7.", "Turn high availability off");
        String refused = mvc.perform(post("/guests/" + guest + "/ha").with(user("o").roles("OPERATOR")).with(csrf())
                        .param("enabled", "true").param("priority", "500"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("priority is 0 to 100");
    }

    private String card(String role) throws Exception {
        return mvc.perform(get("/guests/" + guest + "/ha").with(user(role.toLowerCase()).roles(role)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    private ResultActions set(String role, String json) throws Exception {
        return mvc.perform(put("/api/v1/guests/" + guest + "/ha").with(user(role.toLowerCase()).roles(role))
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
