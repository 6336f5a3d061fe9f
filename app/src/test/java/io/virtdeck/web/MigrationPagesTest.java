package io.virtdeck.web;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The migrate page and the maintenance pages: what they offer, how refusals come back on the page, who may open them,
 * and that maintenance goes on and off from the pages. The test driver cannot migrate, so no migration succeeds here:
 * an evacuation ends by naming the guests it could not move.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationPagesTest {

    private static final RequestPostProcessor OPERATOR = user("mig-op").roles("OPERATOR");
    private static final RequestPostProcessor HELPDESK = user("mig-desk").roles("HELPDESK");
    private static final RequestPostProcessor VIEWER = user("mig-viewer").roles("VIEWER");
    private static final Pattern TASK = Pattern.compile("\\(task (\\d+)\\)");

    @Autowired
    MockMvc mvc;

    Api api;
    long source;
    long target;
    long emptied;
    long web;
    long build;

    @BeforeAll
    void threeHosts() throws Exception {
        api = new Api(mvc);
        // each smallHost() is a fresh copy of the host file, so each registered host has its own URI and guests
        source = api.registerHost("mig-src", TestHosts.smallHost());
        target = api.registerHost("mig-dst", TestHosts.smallHost());
        emptied = api.registerHost("mig-maint", TestHosts.smallHost());
        web = api.guestId(source, "alpha-web");
        build = api.guestId(source, "gamma-build");
        // the other two are connected and synced once their guests are known
        api.guestId(target, "alpha-web");
        api.guestId(emptied, "alpha-web");
    }

    @Test
    void theMigratePageOffersOtherHostsButNotTheSource() throws Exception {
        String page = page("/guests/" + web + "/migrate");
        assertThat(page).contains("Migrate alpha-web", "Now on host <strong>mig-src</strong>",
                        "Live migration: the guest keeps running", "mig-dst", "mig-maint",
                        "id=\"target-" + target + "\"", "id=\"target-" + emptied + "\"",
                        "<summary>Advanced</summary>", "Maximum downtime (ms)", "Bandwidth limit (MiB/s)",
                        "Auto-converge", "Post-copy", "for hosts that do not share storage",
                        html("Force: the disks are on storage both hosts share, though libvirt cannot tell"))
                .doesNotContain("id=\"target-" + source + "\"");
        assertThat(page("/guests/" + build + "/migrate")).contains("Migrate gamma-build", "Offline migration");

        // the operator's way in: the guest's page links to it
        assertThat(page("/guests/" + web)).contains("href=\"/guests/" + web + "/migrate\"", "Migrate…");
    }

    @Test
    void refusalsComeBackOnTheMigratePageWithTheFormAsFilledIn() throws Exception {
        String sameHost = mvc.perform(post("/guests/" + web + "/migrate").param("targetHostId", String.valueOf(source))
                        .param("maxDowntimeMs", "250").param("autoConverge", "true").with(OPERATOR).with(csrf()))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(sameHost).contains("class=\"problem\"", "Migrate alpha-web",
                        html("'alpha-web' is already on host 'mig-src'; choose another host."),
                        "value=\"250\"", "<details class=\"advanced\" open")
                .doesNotContain("Exception");

        String noTarget = mvc.perform(post("/guests/" + web + "/migrate").with(OPERATOR).with(csrf()))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(noTarget).contains("class=\"problem\"", html("Choose the host to move 'alpha-web' to."),
                "id=\"target-" + target + "\"");

        String badNumber = mvc.perform(post("/guests/" + web + "/migrate").param("targetHostId", String.valueOf(target))
                        .param("bandwidthMiBps", "fast").with(OPERATOR).with(csrf()))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(badNumber).contains(html("Bandwidth limit (MiB/s) must be a whole number, or empty for libvirt's default."),
                "value=\"fast\"");

        String outOfRange = mvc.perform(post("/guests/" + web + "/migrate").param("targetHostId", String.valueOf(target))
                        .param("maxDowntimeMs", "0").with(OPERATOR).with(csrf()))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(outOfRange).contains("Maximum downtime (ms) must be between 1 and 600000.");

        mvc.perform(get("/guests/999999/migrate").with(OPERATOR)).andExpect(status().isNotFound());
    }

    @Test
    void helpDeskAndViewerCannotMigrateOrTakeHostsOutOfService() throws Exception {
        for (RequestPostProcessor who : List.of(HELPDESK, VIEWER)) {
            mvc.perform(get("/guests/" + web + "/migrate").with(who)).andExpect(status().isForbidden());
            mvc.perform(get("/hosts/" + emptied + "/maintenance").with(who)).andExpect(status().isForbidden());
            mvc.perform(post("/guests/" + web + "/migrate").param("targetHostId", String.valueOf(target))
                    .with(who).with(csrf())).andExpect(status().isForbidden());
            mvc.perform(post("/hosts/" + emptied + "/maintenance").param("enabled", "true").with(who).with(csrf()))
                    .andExpect(status().isForbidden());
            mvc.perform(post("/hosts/" + emptied + "/maintenance/leave").with(who).with(csrf()))
                    .andExpect(status().isForbidden());
            String guestPage = mvc.perform(get("/guests/" + web).with(who)).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            assertThat(guestPage).contains("alpha-web").doesNotContain("/migrate", "Migrate…");
        }
        String hostPage = mvc.perform(get("/hosts/" + emptied).with(VIEWER)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(hostPage).contains("mig-maint").doesNotContain("/maintenance", "Maintenance…");
        assertThat(api.getJson("/api/v1/hosts/" + emptied)).contains("\"maintenance\":false");
    }

    @Test
    void maintenanceGoesOnAndOffFromThePages() throws Exception {
        assertThat(page("/hosts/" + emptied)).contains("href=\"/hosts/" + emptied + "/maintenance\"", "Maintenance…")
                .doesNotContain("Leave maintenance", "Preparing for maintenance");
        assertThat(page("/hosts/" + emptied + "/maintenance"))
                .contains("Put <span>mig-maint</span> in maintenance?", "No new guests are placed on",
                        "Running guests (2)", "alpha-web", "beta-db", "most free memory",
                        "<summary>Advanced: how the guests are migrated</summary>", "Maximum downtime (ms)",
                        "for hosts that do not share storage", "Enter maintenance",
                        "href=\"/hosts/" + emptied + "\"")
                .doesNotContain("gamma-build", "Post-copy");

        String notice = (String) mvc.perform(post("/hosts/" + emptied + "/maintenance").param("enabled", "true")
                        .param("bandwidthMiBps", "500").with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/hosts/" + emptied))
                .andReturn().getFlashMap().get("notice");
        assertThat(notice).startsWith("Host mig-maint is going into maintenance").contains("evacuation started (task");
        Matcher task = TASK.matcher(notice);
        assertThat(task.find()).isTrue();

        assertThat(api.getJson("/api/v1/hosts/" + emptied)).contains("\"maintenance\":true");
        assertThat(page("/hosts/" + emptied)).contains("Leave maintenance", "data-confirm=\"Put mig-maint back in service?")
                .doesNotContain("Maintenance…");

        // the test driver cannot migrate: the evacuation ends naming the guests that stayed
        String ended = await().atMost(Duration.ofSeconds(90)).until(() -> api.getJson("/api/v1/tasks/" + task.group(1)),
                json -> !List.of("QUEUED", "RUNNING").contains(JsonPath.<String>read(json, "$.state")));
        assertThat(JsonPath.<String>read(ended, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(ended, "$.message")).contains("alpha-web", "not yet in maintenance");
        assertThat(page("/hosts/" + emptied)).contains("Preparing for maintenance", "Leave maintenance");
        assertThat(page("/hosts")).contains("Preparing for maintenance");
        assertThat(page("/hosts/" + emptied + "/maintenance")).contains("preparing for maintenance");

        mvc.perform(post("/hosts/" + emptied + "/maintenance/leave").with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/hosts/" + emptied))
                .andExpect(flash().attribute("notice",
                        "Host mig-maint is back in service: new guests may be placed there again."));
        assertThat(api.getJson("/api/v1/hosts/" + emptied)).contains("\"maintenance\":false");
        assertThat(page("/hosts/" + emptied)).contains("Maintenance…")
                .doesNotContain("Leave maintenance", "Preparing for maintenance");

        // leaving twice is refused in words, on the host's page
        mvc.perform(post("/hosts/" + emptied + "/maintenance/leave").with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/hosts/" + emptied))
                .andExpect(flash().attribute("problem", "Host 'mig-maint' is not in maintenance."));
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(OPERATOR)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    /** As Thymeleaf writes text into the page. */
    private static String html(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
