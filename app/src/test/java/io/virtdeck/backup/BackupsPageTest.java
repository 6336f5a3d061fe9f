package io.virtdeck.backup;

import java.nio.file.Path;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Backups page: stores and jobs made, changed and deleted through its forms; a refused field is told beside it
 * and nothing is made; the schedule's next runs; help desk sees none of it.
 */
@VirtdeckIntegrationTest
class BackupsPageTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;
    String suffix;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        suffix = Long.toString(System.nanoTime() % 1_000_000);
        host = api.connectedHost("bp-" + suffix, TestHosts.smallHost());
        api.guestId(host, "alpha-web");
    }

    private String page(String path, String role) throws Exception {
        return mvc.perform(get(path).with(user(role.toLowerCase()).roles(role))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private MockHttpServletRequestBuilder asOperator(MockHttpServletRequestBuilder request) {
        return request.with(user("operator").roles("OPERATOR")).with(csrf());
    }

    private long storeId(String name) {
        return jdbc.sql("SELECT id FROM backup_stores WHERE name = :n").param("n", name).query(Long.class).single();
    }

    private long jobs(String name) {
        return jdbc.sql("SELECT count(*) FROM backup_jobs WHERE name = :n").param("n", name).query(Long.class).single();
    }

    @Test
    void anOperatorMakesChangesAndDeletesAStoreAndAJobThroughTheForms() throws Exception {
        String store = "bp-store-" + suffix;
        assertThat(page("/backups/stores/new", "OPERATOR")).contains("New backup store", "name=\"hostId\"",
                "default (dir, ");
        mvc.perform(asOperator(post("/backups/stores")).param("name", store).param("hostId", Long.toString(host))
                .param("pool", "default")).andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/backups"));
        long storeId = storeId(store);

        String job = "bp-job-" + suffix;
        mvc.perform(asOperator(post("/backups/jobs")).param("name", job).param("scope", "guest")
                        .param("guestName", "alpha-web").param("storeId", Long.toString(storeId))
                        .param("schedule", "30 2 * * *").param("keepLast", "7").param("keepWeekly", "4")
                        .param("verify", ""))
                .andExpect(status().is3xxRedirection());
        String list = page("/backups", "VIEWER");
        assertThat(list).contains(store, "bp-" + suffix, job, "alpha-web", "30 2 * * *",
                "Keeps the last 7; 1 a week for 4 week(s)", "Not yet").doesNotContain("New store", "Edit");
        assertThat(page("/backups", "OPERATOR")).contains("New store", "New job", "Edit job " + job);

        long jobId = jdbc.sql("SELECT id FROM backup_jobs WHERE name = :n").param("n", job).query(Long.class).single();
        assertThat(page("/backups/jobs/" + jobId + "/edit", "OPERATOR")).contains("value=\"alpha-web\"",
                "value=\"30 2 * * *\"", "Next runs:");
        mvc.perform(asOperator(post("/backups/jobs/" + jobId)).param("name", job).param("scope", "all")
                        .param("storeId", Long.toString(storeId)).param("schedule", "0 3 * * MON")
                        .param("keepDaily", "3").param("verify", "serial").param("verifyText", "login:"))
                .andExpect(status().is3xxRedirection());
        assertThat(page("/backups", "ADMIN")).contains("0 3 * * MON", ">Every guest</span>",
                "Keeps 1 a day for 3 day(s)", "Boots, shows &#39;login:&#39;");

        mvc.perform(asOperator(post("/backups/stores/" + storeId)).param("name", store + "-b"))
                .andExpect(status().is3xxRedirection());
        assertThat(page("/backups", "OPERATOR")).contains(store + "-b");

        assertThat(page("/backups/jobs/" + jobId + "/delete", "OPERATOR")).contains("Delete job &#39;" + job
                + "&#39;?", "no more backups are made by it", "The backups it made stay");
        assertThat(page("/backups/stores/" + storeId + "/delete", "OPERATOR")).contains("Delete store &#39;" + store
                + "-b&#39;?", "0 chain(s) and 0 backup(s)", "Job &#39;" + job + "&#39;, which writes to it.",
                "files stay in pool default");
        mvc.perform(asOperator(post("/backups/jobs/" + jobId + "/delete"))).andExpect(status().is3xxRedirection());
        assertThat(jobs(job)).isZero();
        mvc.perform(asOperator(post("/backups/stores/" + storeId + "/delete")))
                .andExpect(status().is3xxRedirection());
        assertThat(jdbc.sql("SELECT count(*) FROM backup_stores WHERE id = :id").param("id", storeId)
                .query(Long.class).single()).isZero();
        assertThat(Api.audited(jdbc, "backup.job.update", job)).isPositive();
        assertThat(Api.audited(jdbc, "backup.store.rename", store)).isPositive(); // under the name it had
    }

    @Test
    void anAdministratorRegistersADirectoryOfTheServerOperatorsAreNotOfferedOne(@TempDir Path directory)
            throws Exception {
        assertThat(page("/backups/stores/new", "OPERATOR")).doesNotContain("name=\"directory\"");
        assertThat(page("/backups/stores/new", "ADMIN")).contains("A directory on the Virtdeck server",
                "name=\"directory\"");
        String store = "bp-dir-" + suffix;
        mvc.perform(post("/backups/stores").with(user("admin").roles("ADMIN")).with(csrf()).param("name", store)
                        .param("place", "directory").param("directory", "relative/path"))
                .andExpect(status().isBadRequest());
        assertThat(jdbc.sql("SELECT count(*) FROM backup_stores WHERE name = :n").param("n", store)
                .query(Long.class).single()).isZero();
        mvc.perform(post("/backups/stores").with(user("admin").roles("ADMIN")).with(csrf()).param("name", store)
                        .param("place", "directory").param("directory", directory.toString()))
                .andExpect(status().is3xxRedirection()).andExpect(redirectedUrl("/backups"));
        assertThat(jdbc.sql("SELECT directory FROM backup_stores WHERE name = :n").param("n", store)
                .query(String.class).single()).isEqualTo(directory.toString());
        assertThat(page("/backups", "VIEWER")).contains(store, directory.toString());
    }

    @Test
    void aRefusedFieldIsToldBesideItAndNothingIsMade() throws Exception {
        String store = "bp-bad-" + suffix;
        mvc.perform(asOperator(post("/backups/stores")).param("name", store).param("hostId", Long.toString(host))
                .param("pool", "default")).andExpect(status().is3xxRedirection());
        long storeId = storeId(store);
        String job = "bp-bad-job-" + suffix;
        String never = mvc.perform(asOperator(post("/backups/jobs")).param("name", job).param("scope", "guest")
                        .param("guestName", "alpha-web").param("storeId", Long.toString(storeId))
                        .param("schedule", "0 0 30 2 *").param("keepLast", "7"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(never).contains("id=\"schedule-error\"", "never fires", "aria-invalid=\"true\"");
        String zero = mvc.perform(asOperator(post("/backups/jobs")).param("name", job).param("scope", "guest")
                        .param("guestName", "alpha-web").param("storeId", Long.toString(storeId))
                        .param("schedule", "30 2 * * *").param("keepLast", "0"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(zero).contains("id=\"keepLast-error\"", "must be 1 or more");
        String nobody = mvc.perform(asOperator(post("/backups/jobs")).param("name", job).param("scope", "guest")
                        .param("guestName", "no-such-guest").param("storeId", Long.toString(storeId))
                        .param("schedule", "30 2 * * *").param("keepLast", "7"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(nobody).contains("id=\"guestName-error\"", "value=\"no-such-guest\"");
        assertThat(jobs(job)).isZero();

        String pool = mvc.perform(asOperator(post("/backups/stores")).param("name", store + "-2")
                        .param("hostId", Long.toString(host)).param("pool", "default"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(pool).contains("id=\"pool-error\"", "is a backup store already");
    }

    @Test
    void theScheduleShowsItsNextThreeRunsOrWhyItHasNone() throws Exception {
        String runs = page("/backups/jobs/next-runs?schedule=0 3 * * MON", "OPERATOR");
        assertThat(runs).contains("Next runs:").containsPattern("(?s)(Mon \\d{4}-\\d\\d-\\d\\d 03:00.*){3}");
        String bad = page("/backups/jobs/next-runs?schedule=every day", "OPERATOR");
        assertThat(bad).contains("is no cron expression").doesNotContain("Next runs:");
    }

    @Test
    void helpDeskSeesNothingOfBackups() throws Exception {
        assertThat(page("/guests", "HELPDESK")).doesNotContain("href=\"/backups\"");
        assertThat(page("/guests", "VIEWER")).contains("href=\"/backups\"");
        mvc.perform(get("/backups").with(user("helpdesk").roles("HELPDESK"))).andExpect(status().isForbidden());
        mvc.perform(get("/backups/jobs/new").with(user("viewer").roles("VIEWER"))).andExpect(status().isForbidden());
    }
}
