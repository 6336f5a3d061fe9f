package io.virtdeck.guest.cpu;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.GuestCpu;
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
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A guest's CPU through the API on libvirt's test driver, which has no domain capabilities: the host offers every mode,
 * the models libvirt knows for its architecture and its own CPU flags (pae, nonpae). What is written is read back from
 * libvirt's definition.
 */
@VirtdeckIntegrationTest
class GuestCpuApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DomainGateway domains;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("cpu-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web"); // connected and synced
    }

    @Test
    void theHostOffersItsModesModelsAndCpuFlags() {
        String offer = api.getJson("/api/v1/hosts/" + host + "/cpu-models");

        assertThat(JsonPath.<List<String>>read(offer, "$.modes"))
                .containsExactly("host-passthrough", "host-model", "custom");
        assertThat(JsonPath.<List<String>>read(offer, "$.models")).contains("Westmere", "qemu64");
        assertThat(JsonPath.<List<String>>read(offer, "$.features")).contains("pae");
    }

    @Test
    void aGuestIsCreatedWithANamedModelAndItsFeaturesAndShowsThem() throws Exception {
        String body = mvc.perform(api.post("/api/v1/hosts/" + host + "/guests", """
                        {"name":"cpu-web","vcpus":1,"memoryMiB":256,
                         "cpu":{"mode":"custom","model":"Westmere","features":[{"name":"pae","policy":"require"},
                                {"name":"nonpae","policy":"disable"}]}}"""))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(body, "$.id")).longValue();

        String guest = api.getJson("/api/v1/guests/" + id);
        assertThat(JsonPath.<String>read(guest, "$.cpu.mode")).isEqualTo("custom");
        assertThat(JsonPath.<String>read(guest, "$.cpu.model")).isEqualTo("Westmere");
        assertThat(JsonPath.<List<String>>read(guest, "$.cpu.features[*].name")).containsExactly("pae", "nonpae");
        assertThat(JsonPath.<List<String>>read(guest, "$.cpu.features[*].policy")).containsExactly("require", "disable");
        assertThat(Api.audited(jdbc, "guest.create", "cpu-web")).isEqualTo(1);
    }

    @Test
    void aCreateWithABadCpuIsRefusedNamingTheFieldAndCreatesNothing() throws Exception {
        refusedCreate("{\"mode\":\"fastest\"}", "cpu.mode");
        refusedCreate("{\"mode\":\"custom\"}", "cpu.model");
        refusedCreate("{\"mode\":\"custom\",\"model\":\"Pentium-9000\"}", "cpu.model");
        refusedCreate("{\"mode\":\"host-model\",\"model\":\"Westmere\"}", "cpu.model");
        refusedCreate("{\"mode\":\"custom\",\"model\":\"Westmere\",\"features\":[{\"name\":\"no-such-flag\","
                + "\"policy\":\"require\"}]}", "cpu.features[0].name");
        refusedCreate("{\"mode\":\"custom\",\"model\":\"Westmere\",\"features\":[{\"name\":\"pae\","
                + "\"policy\":\"prefer\"}]}", "cpu.features[0].policy");
        refusedCreate("{\"mode\":\"host-passthrough\",\"features\":[{\"name\":\"pae\",\"policy\":\"require\"}]}",
                "cpu.features");
        refusedCreate("{\"mode\":\"custom\",\"model\":\"Westmere\",\"features\":[{\"name\":\"pae\","
                + "\"policy\":\"require\"},{\"name\":\"pae\",\"policy\":\"disable\"}]}", "cpu.features[1].name");
        assertThat(jdbc.sql("SELECT count(*) FROM guests WHERE name = 'cpu-bad'").query(Long.class).single()).isZero();
    }

    @Test
    void configureReplacesTheCpuInTheDefinitionKeepingItsTopology() throws Exception {
        long build = api.guestId(host, "gamma-build"); // shut off
        change(build, "{\"cpu\":{\"mode\":\"custom\",\"model\":\"qemu64\",\"features\":[{\"name\":\"pae\","
                + "\"policy\":\"disable\"}]}}").andExpect(status().isOk());
        GuestCpu written = domains.cpu(host, uuid(build)).cpu();
        assertThat(written).isEqualTo(new GuestCpu(GuestCpu.Mode.CUSTOM, "qemu64",
                List.of(new GuestCpu.Feature("pae", GuestCpu.Policy.DISABLE))));

        change(build, "{\"cpu\":{\"mode\":\"host-model\"}}").andExpect(status().isOk());
        assertThat(domains.cpu(host, uuid(build)).cpu()).isEqualTo(GuestCpu.of(GuestCpu.Mode.HOST_MODEL));
        assertThat(JsonPath.<String>read(api.getJson("/api/v1/guests/" + build), "$.cpu.mode"))
                .isEqualTo("host-model");
        assertThat(Api.audited(jdbc, "guest.configure", "gamma-build")).isGreaterThanOrEqualTo(2);

        change(build, "{\"cpu\":{\"mode\":\"custom\",\"model\":\"no-such-model\"}}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("cpu.model"))
                .andExpect(jsonPath("$.message").value(containsString("no-such-model")));
        assertThat(domains.cpu(host, uuid(build)).cpu()).as("a refusal changes nothing")
                .isEqualTo(GuestCpu.of(GuestCpu.Mode.HOST_MODEL));
    }

    private void refusedCreate(String cpu, String field) throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/guests",
                        "{\"name\":\"cpu-bad\",\"vcpus\":1,\"memoryMiB\":256,\"cpu\":" + cpu + "}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(field));
    }

    private java.util.UUID uuid(long guest) {
        return java.util.UUID.fromString(JsonPath.read(api.getJson("/api/v1/guests/" + guest), "$.uuid"));
    }

    private ResultActions change(long guest, String json) throws Exception {
        return mvc.perform(patch("/api/v1/guests/" + guest).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
