package io.virtdeck.guest.config;

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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** PATCH /api/v1/guests/{id} against libvirt's test driver: live on a running guest, in the definition when off. */
@VirtdeckIntegrationTest
class GuestConfigApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("config-" + System.nanoTime(), TestHosts.smallHost());
    }

    @Test
    void aRunningGuestShrinksLiveAndKeepsItInItsDefinition() throws Exception {
        long web = api.guestId(host, "alpha-web"); // running, 2 vCPUs, 1024 MiB
        change(web, "{\"vcpus\":1,\"memoryMiB\":512}").andExpect(status().isOk())
                .andExpect(jsonPath("$.vcpus").value(1)).andExpect(jsonPath("$.memoryMiB").value(512))
                .andExpect(jsonPath("$.state").value("RUNNING"));
        // libvirt's own view: the live domain and its definition
        String xml = api.getJson("/api/v1/guests/" + web);
        assertThat(JsonPath.<Integer>read(xml, "$.vcpus")).isEqualTo(1);
        change(web, "{\"vcpus\":4}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("alpha-web")));
        assertThat(Api.audited(jdbc, "guest.configure", "alpha-web")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aShutOffGuestGetsNewMaximaAutostartAndADescription() throws Exception {
        long build = api.guestId(host, "gamma-build"); // shut off, 1 vCPU, 512 MiB
        change(build, "{\"vcpus\":4,\"memoryMiB\":2048,\"autostart\":true,\"description\":\"CI builds; ask Ana\"}")
                .andExpect(status().isOk()).andExpect(jsonPath("$.vcpus").value(4))
                .andExpect(jsonPath("$.memoryMiB").value(2048)).andExpect(jsonPath("$.autostart").value(true))
                .andExpect(jsonPath("$.description").value("CI builds; ask Ana"));
        // started, it runs with what was set
        mvc.perform(api.post("/api/v1/guests/" + build + "/actions/start", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.vcpus").value(4)).andExpect(jsonPath("$.memoryMiB").value(2048));
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        long web = api.guestId(host, "alpha-web");
        change(web, "{\"vcpus\":0}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("vcpus"));
        change(web, "{\"vcpus\":9}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("vcpus"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("8")));
        change(web, "{\"memoryMiB\":999999}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("memoryMiB"));
        change(web, "{\"description\":\"" + "x".repeat(1001) + "\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("description"));
        change(web, "{}").andExpect(status().isBadRequest());
        change(web, "not json").andExpect(status().isBadRequest());
        change(999_999, "{\"vcpus\":1}").andExpect(status().isNotFound());
        assertThat(JsonPath.<Integer>read(api.getJson("/api/v1/guests/" + web), "$.vcpus")).isEqualTo(2);
    }

    @Test
    void resourceLimitsGoIntoTheDefinitionAndComeBack() throws Exception {
        long build = api.guestId(host, "gamma-build"); // shut off, disk vda
        String limits = "{\"cpuShares\":2048,\"cpuQuotaUs\":50000,\"cpuPeriodUs\":100000,"
                + "\"memoryHardLimitMiB\":1024,\"memorySoftLimitMiB\":768,\"blkioWeight\":300,"
                + "\"disks\":[{\"target\":\"vda\",\"readIops\":200,\"writeIops\":100}],"
                + "\"vcpuPins\":[{\"vcpu\":0,\"cpuset\":\"0-1\"}],\"numa\":{\"mode\":\"strict\",\"nodeset\":\"0\"}}";
        change(build, "{\"limits\":" + limits + "}").andExpect(status().isOk());
        String read = api.getJson("/api/v1/guests/" + build + "/limits");
        assertThat(JsonPath.<Integer>read(read, "$.cpuShares")).isEqualTo(2048);
        assertThat(JsonPath.<Integer>read(read, "$.memorySoftLimitMiB")).isEqualTo(768);
        assertThat(JsonPath.<Integer>read(read, "$.disks[0].writeIops")).isEqualTo(100);
        assertThat(JsonPath.<String>read(read, "$.vcpuPins[0].cpuset")).isEqualTo("0-1");
        assertThat(JsonPath.<String>read(read, "$.numa.mode")).isEqualTo("strict");

        change(build, "{\"limits\":{\"cpuShares\":1}}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("limits.cpuShares"));
        change(build, "{\"limits\":{\"memoryHardLimitMiB\":512,\"memorySoftLimitMiB\":1024}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.memorySoftLimitMiB"));
        change(build, "{\"limits\":{\"disks\":[{\"target\":\"vdz\",\"readIops\":1}]}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.disks"));
        change(build, "{\"limits\":{\"disks\":[{\"target\":\"vda\",\"totalIops\":1,\"readIops\":1}]}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.disks"));
        change(build, "{\"limits\":{\"vcpuPins\":[{\"vcpu\":5,\"cpuset\":\"0\"}]}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.vcpuPins"));
        change(build, "{\"limits\":{\"vcpuPins\":[{\"vcpu\":0,\"cpuset\":\"0;rm\"}]}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.vcpuPins"));
        change(build, "{\"limits\":{\"numa\":{\"mode\":\"fast\",\"nodeset\":\"0\"}}}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("limits.numa.mode"));
        assertThat(JsonPath.<Integer>read(api.getJson("/api/v1/guests/" + build + "/limits"), "$.cpuShares"))
                .as("refusals changed nothing").isEqualTo(2048);

        change(build, "{\"limits\":{}}").andExpect(status().isOk());
        assertThat(api.getJson("/api/v1/guests/" + build + "/limits")).contains("\"cpuShares\":null");
    }

    private ResultActions change(long guest, String json) throws Exception {
        return mvc.perform(patch("/api/v1/guests/" + guest).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }
}
