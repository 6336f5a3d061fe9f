package io.virtdeck.bulk;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** POST /api/v1/guests/bulk-actions by ids and by the list's filter, its 400s naming the field, and who may do it. */
@VirtdeckIntegrationTest
class BulkActionApiTest {

    private static final String PATH = "/api/v1/guests/bulk-actions";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;
    long web;
    long build;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("bulk-api-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        build = api.guestId(host, "gamma-build");
    }

    @Test
    void byIdsAnswersWithTheTaskAtOnceAndTheResultNamesTheSkipped() throws Exception {
        String started = mvc.perform(api.post(PATH, "{\"action\":\"start\",\"guestIds\":[" + web + "," + build
                        + ",999999]}"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", org.hamcrest.Matchers.startsWith(PATH + "/")))
                .andExpect(jsonPath("$.action").value("start"))
                .andExpect(jsonPath("$.selected").value(3))
                .andExpect(jsonPath("$.toAct").value(1))
                .andExpect(jsonPath("$.skipped").value(2))
                .andReturn().getResponse().getContentAsString();
        String result = ended(JsonPath.<Number>read(started, "$.task.id").longValue());

        assertThat(JsonPath.<String>read(result, "$.task.state")).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<Integer>read(result, "$.succeeded")).isEqualTo(1);
        assertThat(JsonPath.<java.util.List<String>>read(result, "$.problems[*].reason"))
                .containsExactlyInAnyOrder("Skipped: it is running", "Skipped: there is no such guest");
        assertThat(jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", build).query(String.class)
                .single()).isEqualTo("RUNNING");
    }

    @Test
    void byTheListsFilterActsOnEveryGuestItMatches() throws Exception {
        String started = mvc.perform(api.post(PATH, "{\"action\":\"suspend\",\"filter\":{\"host\":" + host
                        + ",\"state\":\"running\"}}"))
                .andExpect(status().isAccepted()).andExpect(jsonPath("$.selected").value(1))
                .andReturn().getResponse().getContentAsString();
        String result = ended(JsonPath.<Number>read(started, "$.task.id").longValue());
        assertThat(JsonPath.<Integer>read(result, "$.succeeded")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", web).query(String.class)
                .single()).isEqualTo("PAUSED");
    }

    @Test
    void badInputIs400NamingTheField() throws Exception {
        refused("{\"action\":\"explode\",\"guestIds\":[" + web + "]}", "action");
        refused("{\"guestIds\":[" + web + "]}", "action");
        refused("{\"action\":\"start\",\"guestIds\":[]}", "guestIds");
        refused("{\"action\":\"start\"}", "guestIds");
        refused("{\"action\":\"start\",\"guestIds\":[" + web + "],\"filter\":{}}", "guestIds");
        refused("{\"action\":\"start\",\"filter\":{\"q\":\"no-guest-is-called-this\"}}", "filter");
        refused("{\"action\":\"start\",\"filter\":{\"state\":\"asleep\"}}", "filter.state");
        refused("{\"action\":\"start\",\"filter\":{\"kind\":\"box\"}}", "filter.kind");
        // its host has virtual machines only: no guest matches
        refused("{\"action\":\"start\",\"filter\":{\"host\":" + host + ",\"kind\":\"CONTAINER\"}}", "filter");
        refused("{\"action\":\"migrate\",\"guestIds\":[" + web + "],\"targetHostId\":999999}", "targetHostId");
        refused("{\"action\":\"migrate\",\"guestIds\":[" + web + "]}", "targetHostId");
        refused("{\"action\":\"migrate\",\"guestIds\":[" + web + "],\"targetHostId\":" + host + ",\"place\":true}",
                "targetHostId");
        refused("{\"action\":\"snapshot\",\"guestIds\":[" + web + "],\"snapshotName\":\"no spaces\"}",
                "snapshotName");
        // nothing was started by any of them
        assertThat(jdbc.sql("SELECT count(*) FROM tasks WHERE parent_id IN (SELECT id FROM tasks WHERE type ="
                + " 'guest.bulk') AND object_id = :id").param("id", Long.toString(web)).query(Long.class).single())
                .isZero();
    }

    @Test
    void operatorsAndAdminsMayActHelpDeskAndViewersMayNot() throws Exception {
        for (String role : new String[] {"HELPDESK", "VIEWER"}) {
            mvc.perform(post(PATH).with(user("bulk-" + role).roles(role)).contentType(MediaType.APPLICATION_JSON)
                            .content("{\"action\":\"start\",\"guestIds\":[" + build + "]}"))
                    .andExpect(status().isForbidden());
        }
        String started = as("bulk-operator", "OPERATOR", post(PATH).contentType(MediaType.APPLICATION_JSON)
                .content("{\"action\":\"poweroff\",\"guestIds\":[" + web + "]}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        long id = JsonPath.<Number>read(started, "$.task.id").longValue();
        await().atMost(Duration.ofSeconds(20)).until(() -> JsonPath.<String>read(as("bulk-operator", "OPERATOR",
                get(PATH + "/" + id)).andReturn().getResponse().getContentAsString(), "$.task.state").equals("SUCCEEDED"));
        // its starter and those who read every guest's history see it; help desk does not
        as("admin", "ADMIN", get(PATH + "/" + id)).andExpect(status().isOk());
        as("bulk-viewer", "VIEWER", get(PATH + "/" + id)).andExpect(status().isOk());
        as("bulk-helpdesk", "HELPDESK", get(PATH + "/" + id)).andExpect(status().isNotFound());
        // only those who may act on every guest, or its starter, cancel; it has ended by now
        as("bulk-viewer", "VIEWER", post(PATH + "/" + id + "/cancel")).andExpect(status().isForbidden());
        as("bulk-operator", "OPERATOR", post(PATH + "/" + id + "/cancel")).andExpect(status().isConflict());
        // a task that is no bulk action is none here
        as("admin", "ADMIN", get(PATH + "/999999")).andExpect(status().isNotFound());
    }

    @Test
    void theOpenApiDocumentDescribesIt() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['" + PATH + "'].post").exists())
                .andExpect(jsonPath("$.paths['" + PATH + "/{taskId}'].get").exists())
                .andExpect(jsonPath("$.paths['" + PATH + "/{taskId}/cancel'].post").exists())
                .andExpect(jsonPath("$.components.schemas.BulkRequest.properties.guestIds").exists())
                .andExpect(jsonPath("$.components.schemas.BulkRequest.properties.filter").exists());
    }

    private ResultActions as(String name, String role,
                             org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request)
            throws Exception {
        return mvc.perform(request.with(user(name).roles(role))
                .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors
                        .csrf()));
    }

    private void refused(String body, String field) throws Exception {
        mvc.perform(api.post(PATH, body)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value(field));
    }

    private String ended(long id) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson(PATH + "/" + id),
                json -> !JsonPath.<String>read(json, "$.task.state").matches("QUEUED|RUNNING"));
    }
}
