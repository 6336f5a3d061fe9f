package io.virtdeck.container;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * POST /api/v1/hosts/{id}/containers on the test driver (which takes LXC domains): the container it defines, its
 * refusals naming the field, and the guest actions that apply to a container and the one that does not.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;

    @BeforeAll
    void aHost() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("containers", TestHosts.containerHost());
        api.guestId(host, "kind-ct");
    }

    @Test
    void aContainerIsCreatedShutOffAsAGuestOfKindContainer() throws Exception {
        String created = mvc.perform(api.post("/api/v1/hosts/" + host + "/containers", """
                        {"name":"ct-web","vcpus":1,"memoryMiB":64,"rootDirectory":"/srv/ct-web/",
                         "readOnlyRoot":true,"network":"default"}"""))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.kind").value("CONTAINER"))
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        String guest = api.getJson("/api/v1/guests/" + id);
        assertThat(JsonPath.<String>read(guest, "$.state")).isEqualTo("SHUTOFF");
        assertThat(JsonPath.<String>read(guest, "$.osType")).isEqualTo("exe");
        assertThat(JsonPath.<Integer>read(guest, "$.memoryMiB")).isEqualTo(64);
        assertThat(JsonPath.<String>read(guest, "$.nics[0].source")).isEqualTo("default");
        assertThat(JsonPath.<Boolean>read(guest, "$.serialConsole")).as("its console is a pty").isTrue();
        assertThat(JsonPath.<java.util.List<?>>read(guest, "$.graphics")).isEmpty();
        assertThat(Api.audited(jdbc, "guest.create", "ct-web")).isOne();
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'guest.create' AND object_name = 'ct-web'")
                .query(String.class).single()).contains("container").contains("root /srv/ct-web (read-only)");
    }

    @Test
    void badRequestsAre400NamingTheFieldAndClashesAre409() throws Exception {
        expect(400, "{\"memoryMiB\":64,\"rootDirectory\":\"/srv/x\"}", "name");
        expect(400, "{\"name\":\"ct-x\",\"rootDirectory\":\"/srv/x\"}", "memoryMiB");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":8,\"rootDirectory\":\"/srv/x\"}", "memoryMiB");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64,\"vcpus\":99,\"rootDirectory\":\"/srv/x\"}", "vcpus");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64}", "rootDirectory");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64,\"rootDirectory\":\"srv/x\"}", "rootDirectory");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64,\"rootDirectory\":\"/\"}", "rootDirectory");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64,\"rootDirectory\":\"/srv/../etc\"}", "rootDirectory");
        expect(400, "{\"name\":\"ct-x\",\"memoryMiB\":64,\"rootDirectory\":\"/srv/x\",\"network\":\"nowhere\"}",
                "network");
        expect(409, "{\"name\":\"kind-ct\",\"memoryMiB\":64,\"rootDirectory\":\"/srv/x\"}", "name");
        assertThat(api.getJson("/api/v1/guests?host=" + host + "&q=ct-x")).contains("\"total\":0");
    }

    @Test
    void startShutdownPowerOffAndDeleteWorkHibernateIsRefused() throws Exception {
        String created = mvc.perform(api.post("/api/v1/hosts/" + host + "/containers",
                        "{\"name\":\"ct-life\",\"memoryMiB\":32,\"rootDirectory\":\"/srv/ct-life\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        String actions = "/api/v1/guests/" + id + "/actions/";
        mvc.perform(api.post(actions + "start", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("RUNNING"));
        mvc.perform(api.post(actions + "save", "")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("container")));
        mvc.perform(api.post(actions + "shutdown", "")).andExpect(status().isOk());
        mvc.perform(api.post(actions + "start", "")).andExpect(status().isOk());
        mvc.perform(api.post(actions + "poweroff", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("SHUTOFF"));
        mvc.perform(api.delete("/api/v1/guests/" + id)).andExpect(status().isOk());
        mvc.perform(api.get("/api/v1/guests/" + id)).andExpect(status().isNotFound());
    }

    private void expect(int status, String body, String field) throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/containers", body))
                .andExpect(status().is(status))
                .andExpect(jsonPath("$.field").value(field))
                .andExpect(jsonPath("$.message").isNotEmpty());
    }
}
