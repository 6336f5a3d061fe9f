package io.virtdeck.alerts.rules;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Alert rules through the API: each wrong field is named in a 400 (never a 500), a name taken is a 409; administrators
 * make, change and delete rules (audited), operators and viewers read them, help desk nothing.
 */
@VirtdeckIntegrationTest
class AlertRuleApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-rules").roles(role));
    }

    private String send(MockHttpServletRequestBuilder request, String role, String json, int expected)
            throws Exception {
        return mvc.perform(as(request, role).contentType("application/json").content(json))
                .andExpect(status().is(expected)).andReturn().getResponse().getContentAsString();
    }

    private long webhookTarget() throws Exception {
        String body = send(post("/api/v1/alert-targets"), "ADMIN", "{\"name\":\"rules-hook-" + System.nanoTime()
                + "\",\"kind\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:9/hook\",\"key\":\"rules-signing-key-0123\"}", 201);
        return JsonPath.<Number>read(body, "$.id").longValue();
    }

    /** The field a 400 (or 409) names, and its message. */
    private String refused(String json, int status, String field) throws Exception {
        String body = send(post("/api/v1/alert-rules"), "ADMIN", json, status);
        assertThat(JsonPath.<String>read(body, "$.field")).as(json).isEqualTo(field);
        return JsonPath.read(body, "$.message");
    }

    @Test
    void eachWrongFieldIsNamed() throws Exception {
        String name = "\"name\":\"wrong-" + System.nanoTime() + "\"";
        assertThat(refused("{" + name + ",\"kind\":\"DISK_ON_FIRE\"}", 400, "kind"))
                .startsWith("kind must be one of HOST_LOST, GUEST_CRASHED, POOL_ABOVE");
        assertThat(refused("{" + name + "}", 400, "kind")).startsWith("kind is required");
        assertThat(refused("{\"kind\":\"HOST_LOST\"}", 400, "name")).startsWith("name is required");
        assertThat(refused("{" + name + ",\"kind\":\"POOL_ABOVE\"}", 400, "percent"))
                .isEqualTo("percent is required for POOL_ABOVE: percent, 1 to 100: the pool's allocation that fires"
                        + " it.");
        assertThat(refused("{" + name + ",\"kind\":\"POOL_ABOVE\",\"percent\":0}", 400, "percent"))
                .isEqualTo("percent must be between 1 and 100, not 0.");
        refused("{" + name + ",\"kind\":\"POOL_ABOVE\",\"percent\":101}", 400, "percent");
        refused("{" + name + ",\"kind\":\"POOL_FULL_WITHIN\"}", 400, "days");
        assertThat(refused("{" + name + ",\"kind\":\"MEMORY_OVERCOMMIT\",\"ratio\":0}", 400, "ratio"))
                .startsWith("ratio must be above 0");
        refused("{" + name + ",\"kind\":\"VCPU_OVERCOMMIT\",\"ratio\":-1.5}", 400, "ratio");
        refused("{" + name + ",\"kind\":\"VCPU_OVERCOMMIT\"}", 400, "ratio");
        refused("{" + name + ",\"kind\":\"BACKUP_MISSED\",\"minutes\":0}", 400, "minutes");
        refused("{" + name + ",\"kind\":\"TASK_FAILED\"}", 400, "taskType");
        assertThat(refused("{" + name + ",\"kind\":\"TASK_FAILED\",\"taskType\":\"guest.explode\"}", 400, "taskType"))
                .startsWith("taskType 'guest.explode' is not a type of Virtdeck's tasks");
        refused("{" + name + ",\"kind\":\"CONSOLE_OPENED\",\"guest\":\"  \"}", 400, "guest");
        refused("{" + name + ",\"kind\":\"HOST_LOST\",\"severity\":\"LOUD\"}", 400, "severity");
        refused("{" + name + ",\"kind\":\"HOST_LOST\",\"repeatMinutes\":-1}", 400, "repeatMinutes");
        refused("{" + name + ",\"kind\":\"HOST_LOST\",\"repeatMinutes\":20000}", 400, "repeatMinutes");
        assertThat(refused("{" + name + ",\"kind\":\"HOST_LOST\",\"targets\":[987654321]}", 400, "targets"))
                .isEqualTo("targets: there is no alert target with id 987654321.");
        assertThat(jdbc.sql("SELECT count(*) FROM alert_rules WHERE name LIKE 'wrong-%'").query(Long.class).single())
                .isZero();
    }

    @Test
    void anAdministratorMakesChangesAndDeletesARuleOthersReadIt() throws Exception {
        long target = webhookTarget();
        String name = "pools-" + System.nanoTime();
        String made = send(post("/api/v1/alert-rules"), "ADMIN", "{\"name\":\"" + name + "\",\"kind\":\"pool_above\","
                + "\"percent\":90,\"days\":7,\"severity\":\"critical\",\"repeatMinutes\":60,\"targets\":[" + target
                + "," + target + "]}", 201);
        long id = JsonPath.<Number>read(made, "$.id").longValue();
        assertThat(JsonPath.<String>read(made, "$.kind")).isEqualTo("POOL_ABOVE");
        assertThat(JsonPath.<String>read(made, "$.condition")).isEqualTo("Pool at or above 90 %");
        assertThat(JsonPath.<String>read(made, "$.severity")).isEqualTo("CRITICAL");
        assertThat(JsonPath.<Integer>read(made, "$.percent")).isEqualTo(90);
        assertThat(JsonPath.<Object>read(made, "$.days")).as("a parameter of another kind is dropped").isNull();
        assertThat(JsonPath.<Integer>read(made, "$.repeatMinutes")).isEqualTo(60);
        assertThat(JsonPath.<Boolean>read(made, "$.enabled")).isTrue();
        assertThat(JsonPath.<Boolean>read(made, "$.event")).isFalse();
        assertThat(JsonPath.<java.util.List<Integer>>read(made, "$.targets[*].id")).containsExactly((int) target);

        assertThat(send(post("/api/v1/alert-rules"), "ADMIN", "{\"name\":\"" + name + "\",\"kind\":\"HOST_LOST\"}", 409))
                .contains("\"field\":\"name\"");
        send(post("/api/v1/alert-rules"), "OPERATOR", "{\"name\":\"op-" + name + "\",\"kind\":\"HOST_LOST\"}", 403);
        for (String reader : new String[] {"OPERATOR", "VIEWER"}) {
            String one = mvc.perform(as(get("/api/v1/alert-rules/" + id), reader)).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(JsonPath.<String>read(one, "$.name")).isEqualTo(name);
            assertThat(mvc.perform(as(get("/api/v1/alert-rules"), reader)).andExpect(status().isOk()).andReturn()
                    .getResponse().getContentAsString()).contains(name);
        }
        mvc.perform(as(get("/api/v1/alert-rules"), "HELPDESK")).andExpect(status().isForbidden());

        String changed = send(put("/api/v1/alert-rules/" + id), "ADMIN", "{\"name\":\"" + name + "\",\"kind\":"
                + "\"TASK_FAILED\",\"taskType\":\"guest.migrate\",\"enabled\":false,\"repeatMinutes\":0}", 200);
        assertThat(JsonPath.<String>read(changed, "$.condition")).isEqualTo("Task guest.migrate failed");
        assertThat(JsonPath.<Boolean>read(changed, "$.event")).isTrue();
        assertThat(JsonPath.<Boolean>read(changed, "$.enabled")).isFalse();
        assertThat(JsonPath.<Object>read(changed, "$.repeatMinutes")).isNull();
        assertThat(JsonPath.<Object>read(changed, "$.percent")).isNull();
        assertThat(JsonPath.<java.util.List<Object>>read(changed, "$.targets")).isEmpty();
        send(put("/api/v1/alert-rules/" + id), "ADMIN", "{\"name\":\"" + name + "\",\"kind\":\"TASK_FAILED\"}", 400);

        mvc.perform(as(delete("/api/v1/alert-rules/" + id), "VIEWER")).andExpect(status().isForbidden());
        mvc.perform(as(delete("/api/v1/alert-rules/" + id), "ADMIN")).andExpect(status().isNoContent());
        mvc.perform(as(get("/api/v1/alert-rules/" + id), "ADMIN")).andExpect(status().isNotFound());

        assertThat(jdbc.sql("SELECT action || ' ' || outcome FROM audit_events WHERE object_type = 'alert-rule'"
                        + " AND object_name = :name ORDER BY id").param("name", name).query(String.class).list())
                .containsSubsequence("alert.rule.create SUCCESS", "alert.rule.update SUCCESS",
                        "alert.rule.update FAILURE", "alert.rule.delete FAILURE", "alert.rule.delete SUCCESS");
    }
}
