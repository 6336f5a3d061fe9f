package io.virtdeck.audit;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@VirtdeckIntegrationTest
class AuditTrailTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void theApiFiltersByUserAndObjectNewestFirst() throws Exception {
        Api api = new Api(mvc);
        long host = api.registerHost("audited", TestHosts.smallHost());
        long guest = api.guestId(host, "gamma-build");
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isOk());
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isConflict());

        String trail = api.getJson("/api/v1/audit?user=admin&object=guest:" + guest);
        assertThat(JsonPath.<Integer>read(trail, "$.total")).isEqualTo(2);
        assertThat(JsonPath.<List<String>>read(trail, "$.items[*].outcome")).containsExactly("FAILURE", "SUCCESS");
        assertThat(JsonPath.<String>read(trail, "$.items[0].detail")).isEqualTo("Cannot start 'gamma-build': it is running.");
        assertThat(JsonPath.<java.util.Map<String, Object>>read(trail, "$.items[0]"))
                .containsKeys("at", "user", "action", "objectType", "objectId", "outcome", "detail");

        String hosts = api.getJson("/api/v1/audit?object=host:" + host);
        assertThat(JsonPath.<List<String>>read(hosts, "$.items[*].action")).contains("host.register");
        String paged = api.getJson("/api/v1/audit?size=1&page=1");
        assertThat(JsonPath.<List<Object>>read(paged, "$.items")).hasSize(1);
    }

    @Test
    void theAuditPageListsEntriesForOperators() throws Exception {
        new Api(mvc).registerHost("audit-page", TestHosts.smallHost());
        String page = mvc.perform(get("/audit").param("object", "host").with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("host.register").contains("audit-page");
        // a viewer reads the entries about what it may read (not users, grants, logins); help desk, whose work is
        // finding guests and opening consoles, and someone with no role anywhere read none
        String viewer = mvc.perform(get("/audit").param("object", "host").with(user("viewer").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(viewer).contains("host.register");
        mvc.perform(get("/audit").with(user("desk").roles("HELPDESK"))).andExpect(status().isForbidden());
        mvc.perform(get("/audit").with(user("no-role").authorities(List.of()))).andExpect(status().isForbidden());
    }

    @Test
    void entriesCannotBeChangedOrDeleted() {
        jdbc.sql("INSERT INTO audit_events (username, action, object_type, outcome) VALUES ('x', 'y', 'z', 'INFO')")
                .update();
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_events SET username = 'someone else'").update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_events").update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("TRUNCATE audit_events").update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
    }

    @Test
    void theTrailFiltersByActionFamilyOutcomeAndTimeAndExportsTheSameAsCsv() throws Exception {
        String tag = "t" + System.nanoTime();
        insert("2026-01-10T08:00:00Z", tag, "guest.snapshot.create", "SUCCESS", "=cmd|' /C calc'!A0");
        insert("2026-01-10T09:00:00Z", tag, "guest.snapshot.revert", "FAILURE", "refused, \"as said\"");
        insert("2026-01-11T09:00:00Z", tag, "guest.snapshots", "SUCCESS", "another family");
        insert("2026-01-12T09:00:00Z", tag, "guest.start", "SUCCESS", "started");
        Api api = new Api(mvc);

        String family = api.getJson("/api/v1/audit?user=" + tag + "&action=guest.snapshot");
        assertThat(JsonPath.<List<String>>read(family, "$.items[*].action"))
                .containsExactly("guest.snapshot.revert", "guest.snapshot.create");
        String failed = api.getJson("/api/v1/audit?user=" + tag + "&outcome=failure");
        assertThat(JsonPath.<List<String>>read(failed, "$.items[*].action")).containsExactly("guest.snapshot.revert");
        String day = api.getJson("/api/v1/audit?user=" + tag + "&from=2026-01-11&to=2026-01-11");
        assertThat(JsonPath.<List<String>>read(day, "$.items[*].action")).containsExactly("guest.snapshots");
        String hour = api.getJson("/api/v1/audit?user=" + tag + "&from=2026-01-10T08:30:00Z&to=2026-01-12T09:00:00Z");
        assertThat(JsonPath.<List<String>>read(hour, "$.items[*].action"))
                .containsExactly("guest.snapshots", "guest.snapshot.revert");

        var csv = mvc.perform(api.get("/api/v1/audit/export?user=" + tag + "&action=guest.snapshot"))
                .andExpect(status().isOk()).andReturn().getResponse();
        assertThat(csv.getContentType()).startsWith("text/csv");
        assertThat(csv.getHeader("Content-Disposition")).contains("attachment", "virtdeck-audit.csv");
        assertThat(csv.getContentAsString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "at,user,action,object_type,object_id,object_name,outcome,detail\r\n"
                + "2026-01-10T09:00:00Z," + tag + ",guest.snapshot.revert,guest,7,web,FAILURE,"
                + "\"refused, \"\"as said\"\"\"\r\n"
                + "2026-01-10T08:00:00Z," + tag + ",guest.snapshot.create,guest,7,web,SUCCESS,'=cmd|' /C calc'!A0\r\n");
    }

    @Test
    void aWrongFilterIsRefusedNamingTheParameter() throws Exception {
        Api api = new Api(mvc);
        for (String[] wrong : new String[][] {{"outcome=maybe", "outcome"}, {"from=yesterday", "from"},
                {"to=2026-13-01", "to"}, {"from=2026-02-01&to=2026-01-01", "to"}}) {
            mvc.perform(api.get("/api/v1/audit?" + wrong[0])).andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value(wrong[1]));
            mvc.perform(api.get("/api/v1/audit/export?" + wrong[0])).andExpect(status().isBadRequest());
        }
        String page = mvc.perform(get("/audit").param("from", "yesterday").with(user("op").roles("OPERATOR")))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("from must be a time like 2026-11-21T10:00:00Z").contains("No entries match.")
                .contains("value=\"yesterday\"");
        mvc.perform(get("/audit/export").with(user("no-role").authorities(List.of())))
                .andExpect(status().isForbidden());
    }

    private void insert(String at, String user, String action, String outcome, String detail) {
        jdbc.sql("""
                        INSERT INTO audit_events (at, username, action, object_type, object_id, object_name, outcome,
                                                  detail)
                        VALUES (CAST(:at AS timestamptz), :user, :action, 'guest', '7', 'web', :outcome, :detail)""")
                .param("at", at).param("user", user).param("action", action).param("outcome", outcome)
                .param("detail", detail).update();
    }

    @Test
    void passwordsAreStoredAsBcryptHashes() {
        assertThat(jdbc.sql("SELECT password_hash FROM users WHERE username = 'admin'").query(String.class).single())
                .startsWith("{bcrypt}$2a$").doesNotContain(Api.ADMIN_PASSWORD);
    }
}
