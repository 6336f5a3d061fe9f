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
        mvc.perform(get("/audit").with(user("desk").roles("HELPDESK"))).andExpect(status().isForbidden());
    }

    @Test
    void entriesCannotBeChangedOrDeleted() {
        jdbc.sql("INSERT INTO audit_events (username, action, object_type, outcome) VALUES ('x', 'y', 'z', 'INFO')")
                .update();
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_events SET username = 'someone else'").update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_events").update())
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
    }

    @Test
    void passwordsAreStoredAsBcryptHashes() {
        assertThat(jdbc.sql("SELECT password_hash FROM users WHERE username = 'admin'").query(String.class).single())
                .startsWith("{bcrypt}$2a$").doesNotContain(Api.ADMIN_PASSWORD);
    }
}
