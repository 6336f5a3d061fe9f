package io.virtdeck.alerts.firing;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Alerts page and the alert rules pages: an alert firing now is shown with an Acknowledge form, acknowledged with a
 * note by a viewer, then found in the history with that note; the navigation's Alerts link counts what fires; an
 * administrator makes a rule with the form (every threshold's field shown, a wrong one marked beside it); operators
 * read the rules without buttons; help desk sees neither page nor link.
 */
@VirtdeckIntegrationTest
class AlertsPageTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertEvaluator evaluator;
    @Autowired
    AuditLog audit;

    private static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-alerts-page").roles(role)).with(csrf());
    }

    private String page(String path, String role) throws Exception {
        return mvc.perform(as(get(path), role)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    @Test
    void aFiringAlertIsAcknowledgedWithANoteAndMovesToTheHistory() throws Exception {
        String guest = "page-console-" + System.nanoTime();
        String made = mvc.perform(as(post("/api/v1/alert-rules"), "ADMIN").contentType("application/json")
                        .content("{\"name\":\"page-" + System.nanoTime() + "\",\"kind\":\"CONSOLE_OPENED\",\"guest\":\""
                                + guest + "\",\"severity\":\"CRITICAL\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long rule = JsonPath.<Number>read(made, "$.id").longValue();
        try {
            audit.recordAs("mallory", AuditAction.CONSOLE_OPEN, AuditObject.guest(990100, guest),
                    AuditEntry.Outcome.SUCCESS, "display 127.0.0.1:5900");
            evaluator.evaluate();
            long alert = jdbc.sql("SELECT id FROM alerts WHERE rule_id = :rule").param("rule", rule)
                    .query(Long.class).single();

            String firing = page("/alerts", "VIEWER");
            String row = firing.substring(firing.indexOf("data-alert=\"" + alert + "\""));
            row = row.substring(0, row.indexOf("</tr>"));
            assertThat(firing).containsPattern("Firing now \\(\\d+\\)").contains(">History</h2>");
            assertThat(row).contains("Console of guest " + guest + " opened by mallory at ")
                    .contains(">CRITICAL</span>").contains("href=\"/guests/990100\"")
                    .contains("action=\"/alerts/" + alert + "/acknowledge\"").contains("<label for=\"note-" + alert
                            + "\">Note</label>");
            assertThat(firing).containsPattern("href=\"/alerts\"[^>]*aria-label=\"Alerts, \\d+ firing now\"[^>]*class=\"active\"|"
                    + "href=\"/alerts\"[^>]*class=\"active\"[^>]*aria-label=\"Alerts, \\d+ firing now\"");

            mvc.perform(as(post("/alerts/" + alert + "/acknowledge"), "VIEWER").param("note", "that was me, testing"))
                    .andExpect(status().is3xxRedirection());
            String after = page("/alerts", "VIEWER");
            String history = after.substring(after.indexOf(">History</h2>"));
            assertThat(history).contains("data-alert=\"" + alert + "\"")
                    .contains("viewer-alerts-page: that was me, testing").contains("Closed by viewer-alerts-page");
            assertThat(after.substring(0, after.indexOf(">History</h2>"))).doesNotContain("data-alert=\"" + alert + "\"");
            // a second acknowledgement is told, not done
            mvc.perform(as(post("/alerts/" + alert + "/acknowledge"), "OPERATOR").param("note", "me too"))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                            .attribute("problem", "Not acknowledged: This alert was acknowledged already by"
                                    + " viewer-alerts-page."));
            assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'alert.acknowledge' AND object_id = :id"
                    + " AND outcome = 'SUCCESS'").param("id", Long.toString(alert)).query(Long.class).single()).isOne();
        } finally {
            mvc.perform(as(post("/alerts/rules/" + rule + "/delete"), "ADMIN")).andExpect(status().is3xxRedirection());
        }
    }

    @Test
    void anAdministratorMakesARuleWithTheFormOthersReadOrAreRefused() throws Exception {
        String form = page("/alerts/rules/new", "ADMIN");
        assertThat(form).contains("New alert rule").contains("<label for=\"kind\">Watches</label>")
                .contains("<option value=\"POOL_ABOVE\">Pool fuller than a percentage</option>")
                .contains("<dd>a storage pool&#39;s allocation is at or above the percentage</dd>")
                .contains("<label for=\"percent\">Percent full</label>").contains("<label for=\"days\">Days</label>")
                .contains("<label for=\"ratio\">Ratio</label>").contains("<label for=\"taskType\">Task type</label>")
                .contains("<label for=\"guest\">Guest name</label>").contains("<label for=\"minutes\">Minutes late</label>")
                .contains("1 to 100. Read by: Pool fuller than a percentage.")
                .contains("Read by: Host memory overcommitted, Host vCPUs overcommitted.");

        String name = "page-rule-" + System.nanoTime();
        String refused = mvc.perform(as(post("/alerts/rules"), "ADMIN").param("name", name).param("kind", "POOL_ABOVE")
                        .param("percent", "120").param("severity", "CRITICAL").param("repeatMinutes", "30")
                        .param("enabled", "true"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("The rule was not made: correct the field marked below.")
                .contains("id=\"percent-error\"").contains("percent must be between 1 and 100, not 120.")
                .contains("value=\"" + name + "\"").contains("aria-invalid=\"true\"");

        String targetName = "page-rule-hook-" + System.nanoTime();
        long target = JsonPath.<Number>read(mvc.perform(as(post("/api/v1/alert-targets"), "ADMIN")
                .contentType("application/json").content("{\"name\":\"" + targetName + "\",\"kind\":\"WEBHOOK\","
                        + "\"url\":\"http://127.0.0.1:9/hook\",\"key\":\"page-rule-signing-key-01\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id").longValue();
        assertThat(page("/alerts/rules/new", "ADMIN")).contains("<input type=\"checkbox\" name=\"targets\" id=\"target-"
                + target + "\" value=\"" + target + "\">");
        mvc.perform(as(post("/alerts/rules"), "ADMIN").param("name", name).param("kind", "POOL_ABOVE")
                        .param("percent", "85").param("severity", "CRITICAL").param("repeatMinutes", "30")
                        .param("enabled", "true").param("ratio", "").param("targets", Long.toString(target)))
                .andExpect(status().is3xxRedirection());
        long id = jdbc.sql("SELECT id FROM alert_rules WHERE name = :name").param("name", name).query(Long.class)
                .single();
        try {
            String list = page("/alerts/rules", "ADMIN");
            assertThat(list).contains(name).contains("Pool at or above 85 %").contains("Every 30 min")
                    .contains("Edit rule " + name).contains("New rule");
            assertThat(list).contains(targetName);
            assertThat(page("/alerts/rules/" + id + "/edit", "ADMIN")).contains("value=\"85\"")
                    .contains("<option value=\"POOL_ABOVE\" selected=\"selected\">")
                    .contains("id=\"target-" + target + "\" value=\"" + target + "\" checked=\"checked\">");
            String read = page("/alerts/rules", "OPERATOR");
            assertThat(read).contains(name).doesNotContain("Edit rule " + name).doesNotContain("New rule");
            mvc.perform(as(get("/alerts/rules/new"), "OPERATOR")).andExpect(status().isForbidden());
            mvc.perform(as(get("/alerts"), "HELPDESK")).andExpect(status().isForbidden());
            mvc.perform(as(get("/alerts/rules"), "HELPDESK")).andExpect(status().isForbidden());
            assertThat(page("/guests", "HELPDESK")).doesNotContain("href=\"/alerts\"");
            assertThat(page("/alerts/rules/" + id + "/delete", "ADMIN")).contains("Delete rule " + name + "?");
        } finally {
            mvc.perform(as(post("/alerts/rules/" + id + "/delete"), "ADMIN")).andExpect(status().is3xxRedirection());
        }
        assertThat(jdbc.sql("SELECT count(*) FROM alert_rules WHERE id = :id").param("id", id).query(Long.class)
                .single()).isZero();
    }
}
