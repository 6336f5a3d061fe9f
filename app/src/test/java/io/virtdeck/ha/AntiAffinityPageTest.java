package io.virtdeck.ha;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HA page's anti-affinity groups against a test-driver host: the guest search offers those the user may operate
 * (the ticked ones kept), a group is made, its guests changed and it is deleted through the service (audited); a
 * refusal brings the form back as it was, with the reason; a viewer sees the groups but no form.
 */
@VirtdeckIntegrationTest
class AntiAffinityPageTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    long host;
    long web;
    long db;
    long build;
    String group;

    @BeforeEach
    void aHost() throws Exception {
        Api api = new Api(mvc);
        host = api.connectedHost("aa-page-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        db = api.guestId(host, "beta-db");
        build = api.guestId(host, "gamma-build");
        group = "page-" + System.nanoTime();
    }

    /** Its guests share their UUIDs with every other copy of the small host: none stays for later classes. */
    @AfterEach
    void hostGone() throws Exception {
        mvc.perform(delete("/api/v1/hosts/" + host).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
    }

    @Test
    void aGroupIsMadeChangedAndDeletedFromThePage() throws Exception {
        String choices = mvc.perform(get("/ha/anti-affinity-groups/choices").with(user("o").roles("OPERATOR"))
                        .param("q", "gamma").param("guests", Long.toString(web)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(choices).contains("value=\"" + web + "\" checked", "value=\"" + build + "\">", "gamma-build")
                .doesNotContain("value=\"" + db + "\"");

        Object made = mvc.perform(post("/ha/anti-affinity-groups").with(user("operator").roles("OPERATOR"))
                        .with(csrf()).param("name", group).param("guests", Long.toString(web), Long.toString(build)))
                .andExpect(status().is3xxRedirection()).andReturn().getFlashMap().get("notice");
        assertThat(made).isEqualTo("Anti-affinity group " + group + " made: alpha-web, gamma-build never run on one"
                + " host together. Together now: alpha-web and gamma-build on " + hostName() + ". Migrate one to keep"
                + " them apart; Virtdeck does not move them by itself.");
        assertThat(page("/ha", "VIEWER")).as("the page says so too, until one is moved")
                .contains("Together now: alpha-web and gamma-build on " + hostName() + ".");
        assertThat(Api.audited(jdbc, "guest.anti-affinity.set", group)).isOne();

        String editing = page("/ha?edit=" + group, "OPERATOR");
        assertThat(editing).contains("Guests of group " + group, "value=\"" + web + "\" checked",
                "value=\"" + build + "\" checked", "Save group");
        mvc.perform(post("/ha/anti-affinity-groups").with(user("operator").roles("OPERATOR")).with(csrf())
                        .param("name", group).param("editing", "true")
                        .param("guests", Long.toString(web), Long.toString(db)))
                .andExpect(status().is3xxRedirection());
        assertThat(members()).containsExactlyInAnyOrder("alpha-web", "beta-db");

        String refused = mvc.perform(post("/ha/anti-affinity-groups").with(user("operator").roles("OPERATOR"))
                        .with(csrf()).param("name", "lonely-" + group).param("guests", Long.toString(build)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("guests lists at least two guests", "value=\"lonely-" + group + "\"",
                "value=\"" + build + "\" checked");

        String viewer = page("/ha", "VIEWER");
        assertThat(viewer).contains(group, "never run on one host together").doesNotContain("id=\"group-form\"",
                "Delete anti-affinity group");

        Object deleted = mvc.perform(post("/ha/anti-affinity-groups/" + group + "/delete")
                        .with(user("operator").roles("OPERATOR")).with(csrf()))
                .andExpect(status().is3xxRedirection()).andReturn().getFlashMap().get("notice");
        assertThat(deleted).isEqualTo("Anti-affinity group " + group + " deleted: its guests may now run on one host"
                + " together.");
        assertThat(members()).isEmpty();
    }

    private String hostName() {
        return jdbc.sql("SELECT name FROM hosts WHERE id = :id").param("id", host).query(String.class).single();
    }

    private java.util.List<String> members() {
        return jdbc.sql("SELECT g.name FROM anti_affinity_members m JOIN guests g ON g.uuid = m.guest_uuid"
                + " WHERE m.group_name = :name AND g.id IN (:ids)").param("name", group)
                .param("ids", java.util.List.of(web, db, build)).query(String.class).list();
    }

    private String page(String path, String role) throws Exception {
        return mvc.perform(get(path).with(user(role.toLowerCase()).roles(role))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
