package io.virtdeck.storage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Volumes on a real libvirtd (the lab's images pool): made, grown and cloned, as qemu-img sees them, and deleted. */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StorageLabTest {

    @Autowired
    MockMvc mvc;

    private Api api;
    private String volumes;

    @BeforeAll
    void lab1() throws Exception {
        api = new Api(mvc);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        volumes = "/api/v1/hosts/" + lab1 + "/pools/images/volumes";
        for (String name : new String[] {"grow.qcow2", "grow-copy.qcow2"}) { // an earlier run's
            mvc.perform(delete(volumes + "/" + name).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)));
        }
    }

    @Test
    void aVolumeIsMadeGrownClonedAndDeleted() throws Exception {
        String made = mvc.perform(api.post(volumes, "{\"name\":\"grow.qcow2\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        String path = JsonPath.read(made, "$.path");
        assertThat(qemuImg("info", path)).contains("virtual size: 64 MiB").contains("file format: qcow2");

        mvc.perform(api.post(volumes + "/grow.qcow2/resize", "{\"sizeMiB\":32}")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("sizeMiB"));
        mvc.perform(api.post(volumes + "/grow.qcow2/resize", "{\"sizeMiB\":96}")).andExpect(status().isOk())
                .andExpect(jsonPath("$.capacityMiB").value(96));
        assertThat(qemuImg("info", path)).contains("virtual size: 96 MiB");

        String copy = mvc.perform(api.post(volumes + "/grow.qcow2/clone", "{\"name\":\"grow-copy.qcow2\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        assertThat(qemuImg("compare", path, JsonPath.read(copy, "$.path"))).contains("Images are identical");

        mvc.perform(api.post(volumes + "/tiny1.qcow2/resize", "{\"sizeMiB\":4096}")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("tiny1")));
        for (String name : new String[] {"grow.qcow2", "grow-copy.qcow2"}) {
            mvc.perform(delete(volumes + "/" + name).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andExpect(status().isNoContent());
        }
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).doesNotContain("grow");
    }

    private static String qemuImg(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("qemu-img"));
        command.addAll(java.util.List.of(args));
        command.add(2, "-U"); // the volume may be open elsewhere: read without taking its lock
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes());
    }
}
