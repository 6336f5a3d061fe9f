package io.virtdeck.migration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Anti-affinity groups against test-driver hosts: guests of one group never run on one host together, so a migration
 * there is refused naming the group and placement passes the host by; bad input (an unknown guest's id too) names
 * the field; roles.
 */
@VirtdeckIntegrationTest
class AntiAffinityTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    Placement placement;
    @Autowired
    GuestRepository guests;

    Api api;
    String group;
    long web;
    long build;
    String other;

    @BeforeEach
    void hosts() throws Exception {
        api = new Api(mvc);
        long home = api.connectedHost("aa-" + System.nanoTime(), TestHosts.smallHost());
        other = "aa-other-" + System.nanoTime();
        api.connectedHost(other, TestHosts.smallHost()); // its own alpha-web runs there: the same UUID
        web = api.guestId(home, "alpha-web");
        build = api.guestId(home, "gamma-build");
        group = "web-" + System.nanoTime();
    }

    @Test
    void aMemberIsNeverMovedOrPlacedWhereAnotherRuns() throws Exception {
        set("ADMIN", "{\"guests\":[" + web + "," + build + "]}").andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value(group)).andExpect(jsonPath("$.guests.length()").value(2));
        mvc.perform(get("/api/v1/anti-affinity-groups").with(user("v").roles("VIEWER"))).andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.name == '" + group + "')].guests[*].name",
                        org.hamcrest.Matchers.hasItems("alpha-web", "gamma-build")));

        long otherHost = JsonPath.<java.util.List<Number>>read(api.getJson("/api/v1/hosts"), "$[?(@.name == '" + other
                + "')].id").get(0).longValue();
        mvc.perform(post("/api/v1/guests/" + build + "/migrate").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"targetHostId\":" + otherHost
                                + ",\"live\":false}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("'gamma-build' never runs with 'alpha-web'"
                        + " (anti-affinity group '" + group + "'), which runs on host '" + other + "'")));
        Guest gammaBuild = guests.require(build);
        assertThat(placement.choose(gammaBuild).reasons()).anyMatch(reason -> reason.contains("never runs with"
                + " 'alpha-web' (anti-affinity group '" + group + "'), which runs on host '" + other + "'"));

        mvc.perform(delete("/api/v1/anti-affinity-groups/" + group).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        assertThat(placement.choose(gammaBuild).reasons()).noneMatch(reason -> reason.contains(group));
    }

    @Test
    void badInputNamesTheFieldAndOnlyThoseWhoMayOperateEveryMemberSetAGroup() throws Exception {
        mvc.perform(put("/api/v1/anti-affinity-groups/bad name").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"guests\":[" + web + "," + build + "]}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("name"));
        set("ADMIN", "{\"guests\":[" + web + "]}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("guests"));
        set("ADMIN", "{\"guests\":[" + web + "," + web + "]}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("guests"));
        set("ADMIN", "{\"guests\":[" + web + ",987654321]}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("guests"))
                .andExpect(jsonPath("$.message").value("guests lists 987654321, which is no guest's id."));
        mvc.perform(get("/api/v1/anti-affinity-groups").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(jsonPath("$[?(@.name == '" + group + "')]").isEmpty());
        set("VIEWER", "{\"guests\":[" + web + "," + build + "]}").andExpect(status().isForbidden());
        set("HELPDESK", "{\"guests\":[" + web + "," + build + "]}").andExpect(status().isForbidden());
        set("OPERATOR", "{\"guests\":[" + web + "," + build + "]}").andExpect(status().isOk());
        mvc.perform(get("/api/v1/anti-affinity-groups").with(user("h").roles("HELPDESK")))
                .andExpect(status().isForbidden());
        mvc.perform(delete("/api/v1/anti-affinity-groups/" + group).with(user("v").roles("VIEWER")))
                .andExpect(status().isForbidden());
        mvc.perform(delete("/api/v1/anti-affinity-groups/nope-" + group).with(user("o").roles("OPERATOR")))
                .andExpect(status().isNotFound());
    }

    private ResultActions set(String role, String json) throws Exception {
        return mvc.perform(put("/api/v1/anti-affinity-groups/" + group).with(user(role.toLowerCase()).roles(role))
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
