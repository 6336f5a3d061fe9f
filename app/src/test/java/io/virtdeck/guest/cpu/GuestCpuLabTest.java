package io.virtdeck.guest.cpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Guest CPUs on the lab's real libvirtd + QEMU (software emulation): the CPUs lab1 offers from its domain
 * capabilities, tiny1 booted with host-model, and a migration refused because the target's hypervisor lacks a feature
 * the guest's CPU requires, the refusal naming it. (lab1 and lab2 run the same QEMU on one machine: a guest requiring
 * what lab2 lacks is defined on lab1 directly, as a guest made elsewhere would be, and stays shut off.)
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestCpuLabTest {

    @Autowired
    MockMvc mvc;

    private Api api;
    private long lab1;
    private long lab2;

    @BeforeAll
    void labHosts() throws Exception {
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
    }

    @Test
    void lab1OffersQemusModelsAndTheFeaturesItsEmulatedCpuHas() {
        String offer = api.getJson("/api/v1/hosts/" + lab1 + "/cpu-models?domainType=qemu");

        assertThat(JsonPath.<List<String>>read(offer, "$.modes")).contains("host-model", "custom")
                .doesNotContain("host-passthrough"); // no host CPU to pass through under emulation
        assertThat(JsonPath.<List<String>>read(offer, "$.models")).contains("qemu64", "Westmere")
                .doesNotContain("Skylake-Server");
        assertThat(JsonPath.<List<String>>read(offer, "$.features")).contains("sse2").doesNotContain("avx512f");
        assertThat(JsonPath.<List<String>>read(offer, "$.disableable")).contains("sse2");
    }

    @Test
    void tiny1StartsWithHostModel() throws Exception {
        long tiny1 = api.guestId(lab1, "tiny1");
        String original = Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1");
        if ("RUNNING".equals(JsonPath.read(api.getJson("/api/v1/guests/" + tiny1), "$.state"))) {
            action(tiny1, "poweroff");
        }
        try {
            mvc.perform(patch("/api/v1/guests/" + tiny1).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                            .contentType(MediaType.APPLICATION_JSON).content("{\"cpu\":{\"mode\":\"host-model\"}}"))
                    .andExpect(status().isOk());
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).contains("<cpu mode='host-model'");
            action(tiny1, "start");
            Lab.consoleAnswers(Lab.LAB1, "tiny1"); // booted to its shell with the host's model
            assertThat(JsonPath.<String>read(api.getJson("/api/v1/guests/" + tiny1), "$.cpu.mode"))
                    .isEqualTo("host-model");
        } finally {
            Lab.virsh(Lab.LAB1, "destroy", "tiny1");
            define(Lab.LAB1, original);
            Lab.virsh(Lab.LAB1, "start", "tiny1");
        }
    }

    @Test
    void aGuestRequiringAFeatureTheTargetLacksIsRefusedNamingIt() throws Exception {
        define(Lab.LAB1, """
                <domain type='qemu'>
                  <name>cpu-strict</name>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type></os>
                  <cpu mode='custom' match='exact'>
                    <model fallback='forbid'>Westmere</model>
                    <feature policy='require' name='avx512f'/>
                  </cpu>
                </domain>""");
        try {
            long strict = api.guestId(lab1, "cpu-strict");
            mvc.perform(api.post("/api/v1/guests/" + strict + "/migrate", "{\"targetHostId\":" + lab2 + "}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.message").value(allOf(containsString("lab2"), containsString("avx512f"))));
            assertThat(api.getJson("/api/v1/guests/" + strict + "/migrate/targets")).contains("avx512f");
            assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("cpu-strict");

            // asked of Virtdeck, such a CPU is refused before anything is made
            mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/guests", """
                            {"name":"cpu-strict-2","vcpus":1,"memoryMiB":64,"kvm":false,
                             "cpu":{"mode":"custom","model":"Westmere",
                                    "features":[{"name":"avx512f","policy":"require"}]}}"""))
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("cpu.features[0].name"))
                    .andExpect(jsonPath("$.message").value(containsString("avx512f")));
        } finally {
            Lab.virsh(Lab.LAB1, "undefine", "cpu-strict");
        }
    }

    private void action(long guest, String action) throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/" + action, "")).andExpect(status().isOk());
    }

    /** Defines a domain from its XML through virsh; fails with virsh's words when it is not defined afterwards. */
    private static void define(String uri, String xml) throws Exception {
        String name = xml.substring(xml.indexOf("<name>") + 6, xml.indexOf("</name>"));
        Path file = Files.createTempFile("cpu-lab", ".xml");
        try {
            Files.writeString(file, xml);
            String said = Lab.virsh(uri, "define", file.toString());
            assertThat(Lab.virsh(uri, "list", "--all", "--name").lines()).as("virsh define: " + said).contains(name);
        } finally {
            Files.delete(file);
        }
    }
}
