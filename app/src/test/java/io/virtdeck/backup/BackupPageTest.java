package io.virtdeck.backup;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** A guest's Backups tab: operators see Back up now, viewers read, help desk neither sees the tab nor opens it. */
@VirtdeckIntegrationTest
class BackupPageTest {

    @Autowired
    MockMvc mvc;

    Api api;
    long web;
    long host;
    long store;

    @BeforeEach
    void guest() throws Exception {
        api = new Api(mvc);
        host = api.connectedHost("page-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        String body = mvc.perform(api.post("/api/v1/backup-stores", "{\"name\":\"page-" + System.nanoTime()
                + "\",\"hostId\":" + host + ",\"pool\":\"default\"}")).andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        store = ((Number) com.jayway.jsonpath.JsonPath.read(body, "$.id")).longValue();
    }

    private String page(String path, String role) throws Exception {
        return mvc.perform(get(path).with(user(role.toLowerCase()).roles(role))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    @Test
    void operatorsBackUpFromTheTabAndViewersOnlyRead() throws Exception {
        String operator = page("/guests/" + web + "/backups", "OPERATOR");
        assertThat(operator).contains("Backup points", "No backups yet.", "Back up now", "name=\"storeId\"",
                "/backups\" aria-current=\"page\" class=\"active\">Backups</a>");
        String viewer = page("/guests/" + web + "/backups", "VIEWER");
        assertThat(viewer).contains("Backup points").doesNotContain("Back up now");

        // a backup started from the tab: the test driver has no backup API, so the task fails, and the tab lists it
        Object notice = mvc.perform(post("/guests/" + web + "/backups").with(user("operator").roles("OPERATOR"))
                        .with(csrf()).param("storeId", Long.toString(store)).param("full", "true"))
                .andExpect(status().is3xxRedirection()).andReturn().getFlashMap().get("notice");
        assertThat(String.valueOf(notice)).startsWith("Backup started (task ");
        long task = Long.parseLong(String.valueOf(notice).replaceAll("\\D+", " ").trim().split(" ")[0]);
        api.taskWhenDone(task, java.time.Duration.ofSeconds(30));
        assertThat(page("/guests/" + web + "/backups", "VIEWER")).contains("Full", "(a full backup was asked for)",
                ">Failed</span>", "did not begin");
    }

    @Test
    void helpDeskSeesNoBackupsTabAndCannotOpenIt() throws Exception {
        assertThat(page("/guests/" + web, "HELPDESK")).doesNotContain("/backups\"");
        assertThat(page("/guests/" + web, "VIEWER")).contains("/guests/" + web + "/backups\"");
        mvc.perform(get("/guests/" + web + "/backups").with(user("helpdesk").roles("HELPDESK")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/guests/" + web + "/backups").with(user("helpdesk").roles("HELPDESK")).with(csrf())
                .param("storeId", Long.toString(store))).andExpect(status().isForbidden());
    }
}
