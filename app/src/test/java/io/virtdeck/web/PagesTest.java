package io.virtdeck.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.servlet.resource.ResourceUrlProvider;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every page renders for an operator, forms do what they say, and errors come as pages in plain words. */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesTest {

    private static final RequestPostProcessor OPERATOR = user("page-op").roles("OPERATOR");

    @Autowired
    MockMvc mvc;
    @Autowired
    ResourceUrlProvider resourceUrls;

    long host;
    long build;

    @BeforeAll
    void aHost() throws Exception {
        Api api = new Api(mvc);
        host = api.registerHost("pages", TestHosts.smallHost());
        build = api.guestId(host, "gamma-build");
    }

    @Test
    void detailXmlHostAndDeletePagesRender() throws Exception {
        assertThat(page("/hosts/" + host)).contains("pages", "Logical CPUs", "Remove from Virtdeck");
        assertThat(page("/guests/" + build + "/xml")).contains("&lt;domain", "gamma-build");
        assertThat(page("/guests/" + build + "/delete"))
                .contains("Delete gamma-build", "/var/lib/libvirt/images/gamma-build.qcow2",
                        "CD-ROM images are never deleted");
        assertThat(page("/guests?host=" + host + "&state=SHUTOFF&sort=memory,desc")).contains("gamma-build")
                .doesNotContain("alpha-web");
    }

    @Test
    void theIconAndTheApiAreWhereBrowsersAndPeopleLookForThem() throws Exception {
        mvc.perform(get("/favicon.ico")).andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl(
                        "/assets/favicon.svg"));
        assertThat(mvc.perform(get("/assets/favicon.svg")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString()).startsWith("<svg");
        assertThat(page("/guests")).contains("rel=\"icon\"", "href=\"/swagger-ui/index.html\"");
        assertThat(mvc.perform(get("/account").with(user("admin").roles("ADMIN"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).contains("href=\"/v3/api-docs\"");
    }

    /** Mapped at /** as well, every link a page renders was looked up on the class path as a possible file. */
    @Test
    void staticFilesAreServedFromAssetsAlone() throws Exception {
        assertThat(mvc.perform(get("/assets/virtdeck.css").with(OPERATOR)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).isNotEmpty();
        assertThat(resourceUrls.getHandlerMap()).containsKey("/assets/**").doesNotContainKey("/**");
    }

    /** A file's name changes with its content, so browsers may keep it for a year without asking again. */
    @Test
    void pagesNameFilesByTheirContentAndBrowsersKeepThemAYear() throws Exception {
        Matcher named = Pattern.compile("src=\"(/assets/virtdeck-[0-9a-f]{32}\\.js)\"").matcher(page("/guests"));
        assertThat(named.find()).as("virtdeck.js named by its content").isTrue();
        assertThat(mvc.perform(get(named.group(1)).with(OPERATOR)).andExpect(status().isOk()).andReturn()
                .getResponse().getHeader("Cache-Control")).isEqualTo("max-age=31536000");
    }

    @Test
    void theTasksPageAndDrawerRender() throws Exception {
        assertThat(page("/tasks")).contains("Tasks").contains("hx-get=\"/tasks/drawer\"")
                .as("the drawer is loaded into the layout, not drawn into the page").doesNotContain("drawer-title");
        assertThat(page("/tasks/drawer")).contains("running").doesNotContain("<html");
        // viewers follow the tasks of what they read; help desk (guests and consoles, nothing more) and someone
        // holding no role anywhere have no drawer
        String viewer = mvc.perform(get("/guests").with(user("viewer").roles("VIEWER")))
                .andReturn().getResponse().getContentAsString();
        assertThat(viewer).contains("tasks-drawer");
        mvc.perform(get("/tasks/drawer").with(user("desk").roles("HELPDESK"))).andExpect(status().isForbidden());
        String helpdesk = mvc.perform(get("/guests").with(user("desk").roles("HELPDESK")))
                .andReturn().getResponse().getContentAsString();
        assertThat(helpdesk).doesNotContain("tasks-drawer").doesNotContain("href=\"/audit\"");
        mvc.perform(get("/tasks/drawer").with(user("no-role").authorities(java.util.List.of())))
                .andExpect(status().isForbidden());
        String noRole = mvc.perform(get("/guests").with(user("no-role").authorities(java.util.List.of())))
                .andReturn().getResponse().getContentAsString(); // the refusal, in the layout
        assertThat(noRole).contains("class=\"sidenav\"").doesNotContain("tasks-drawer", ">Tasks<", ">Audit<");
    }

    @Test
    void unknownObjectsAndAddressesAreErrorPagesNotStackTraces() throws Exception {
        String missing = mvc.perform(get("/guests/999999").with(OPERATOR)).andExpect(status().isNotFound())
                .andReturn().getResponse().getContentAsString();
        assertThat(missing).contains("There is no guest with id 999999.").doesNotContain("Exception");
        mvc.perform(get("/guests?state=BROKEN").with(OPERATOR)).andExpect(status().isBadRequest());
        mvc.perform(get("/no/such/page").with(OPERATOR)).andExpect(status().isNotFound());
    }

    @Test
    void registeringAHostFromThePageReportsProblemsOnThePage() throws Exception {
        mvc.perform(post("/hosts").param("name", "bad name!").param("uri", "test:///default")
                        .with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/hosts"))
                .andExpect(flash().attribute("problem",
                        "name may use letters, digits, '.', '_' and '-', and must start with a letter or digit."));
        mvc.perform(post("/hosts").param("name", "from-page").param("uri", TestHosts.smallHost())
                        .with(OPERATOR).with(csrf()))
                .andExpect(status().is3xxRedirection())
                .andExpect(flash().attribute("notice", "Host from-page registered; connecting."));
    }

    @Test
    void powerActionsAndDeleteFromThePagesComeBackAsNotices() throws Exception {
        long web = new Api(mvc).guestId(host, "alpha-web");
        mvc.perform(post("/guests/" + web + "/actions/start").param("returnTo", "/guests")
                        .with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/guests"))
                .andExpect(flash().attribute("problem", "Cannot start 'alpha-web': it is running."));
        // only our own pages are places to return to
        mvc.perform(post("/guests/" + web + "/actions/suspend").param("returnTo", "https://evil.example/")
                        .with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/guests/" + web))
                .andExpect(flash().attribute("notice", "Pause: alpha-web is now paused."));

        mvc.perform(post("/guests/" + build + "/delete").param("deleteDisks", "true").with(OPERATOR).with(csrf()))
                .andExpect(redirectedUrl("/guests"))
                .andExpect(flash().attribute("notice", "Deleted gamma-build and 1 disk volume(s)."));
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(OPERATOR)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }
}
