package io.virtdeck.guest;

import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Guests made by Virtdeck that boot on the lab's real QEMU, where the test driver proves only the XML: a UEFI guest
 * (OVMF, from the host's firmware descriptors) reaches its boot manager, a linked clone of a template (a qcow2
 * volume backed by the template's) boots to tiny's shell, and so does a clone of tiny1 streamed to the other host.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestBootLabTest {

    private static final String UEFI_GUEST = "uefi-probe";
    private static final String TEMPLATE = "tiny-template";
    private static final String LINKED = "tiny-linked";
    private static final String FAR = "tiny-far";

    @Autowired
    MockMvc mvc;

    Api api;
    long lab1;
    long lab2;

    @BeforeAll
    void lab1Connected() throws Exception {
        Lab.tiny1BackOnLab1();
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        removeProbes();
    }

    @AfterAll
    void removeProbes() {
        for (String domain : List.of(UEFI_GUEST, LINKED, TEMPLATE)) { // the clone before the volume it reads
            remove(Lab.LAB1, domain);
        }
        remove(Lab.LAB2, FAR);
    }

    private static void remove(String host, String domain) {
        if (Lab.virsh(host, "list", "--all", "--name").contains(domain)) {
            Lab.virsh(host, "destroy", domain);
            Lab.virsh(host, "undefine", domain, "--nvram", "--remove-all-storage");
        }
    }

    @Test
    void aUefiGuestBootsIntoOvmf() throws Exception {
        String options = mvc.perform(MockMvcRequestBuilders.get("/hosts/" + lab1 + "/guests/new")
                        .with(user("op").roles("OPERATOR"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(options).as("the wizard offers UEFI on a host with OVMF")
                .containsPattern("value=\"uefi\" id=\"firmware-uefi\"\\s*>");
        // the switch is for hosts that list KVM (some machines here have /dev/kvm, some do not)
        boolean kvm = JsonPath.<List<String>>read(api.getJson("/api/v1/hosts/" + lab1),
                "$.capabilities.guestDomainTypes").contains("kvm");
        assertThat(options.contains("name=\"kvm\"")).as("KVM can be switched off where the host lists KVM (%s)", kvm)
                .isEqualTo(kvm);

        mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/guests", """
                        {"name":"%s","vcpus":1,"memoryMiB":256,"disks":[{"pool":"images","sizeMiB":16}],
                         "firmware":"uefi","networks":[],"kvm":false}""".formatted(UEFI_GUEST)))
                .andExpect(status().isCreated());
        // this machine lists KVM, but QEMU cannot set the host CPU's MSRs under it (nested): emulate instead
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", UEFI_GUEST))
                .contains("<domain type='qemu'>", "<os firmware='efi'>");

        long guest = api.guestId(lab1, UEFI_GUEST);
        long starting = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", UEFI_GUEST)).as("at start libvirt picked OVMF by its descriptors")
                .containsPattern("<loader [^>]*type='pflash'[^>]*>/usr/share/OVMF/OVMF_CODE")
                .contains("<nvram");
        // an empty disk: OVMF's boot manager says so on the serial console, as only UEFI firmware does
        String serial = Lab.serialShows(Lab.LAB1, UEFI_GUEST, "BdsDxe", Duration.ofSeconds(60));
        System.out.printf("[lab] UEFI guest's firmware on its console after %d ms: %s%n",
                (System.nanoTime() - starting) / 1_000_000, serial.strip());
    }

    @Test
    void aLinkedCloneOfATemplateBoots() throws Exception {
        long tiny1 = api.guestId(lab1, "tiny1");
        if (Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        }
        succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/clone", "{\"name\":\"" + TEMPLATE + "\"}")));
        long template = api.guestId(lab1, TEMPLATE);
        mvc.perform(MockMvcRequestBuilders.put("/api/v1/guests/" + template + "/template")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.template").value(true));

        succeeds(mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/guests",
                "{\"name\":\"" + LINKED + "\",\"template\":\"" + TEMPLATE + "\"}")));
        String volume = Lab.virsh(Lab.LAB1, "vol-dumpxml", "--pool", "images", LINKED + "-vda.qcow2");
        assertThat(volume).as("a linked clone: backed by the template's volume")
                .containsPattern("<backingStore>\\s*<path>[^<]*/" + TEMPLATE + "-vda\\.qcow2</path>");

        long linked = api.guestId(lab1, LINKED);
        mvc.perform(api.post("/api/v1/guests/" + linked + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        Duration answered = Lab.consoleAnswers(Lab.LAB1, LINKED);
        System.out.printf("[lab] the linked clone answered on its console %d ms after its start%n",
                answered.toMillis());
    }

    @Test
    void aCloneStreamedToTheOtherHostBootsThere() throws Exception {
        long tiny1 = api.guestId(lab1, "tiny1");
        if (Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        }
        long cloning = System.nanoTime();
        String done = succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/clone",
                "{\"name\":\"" + FAR + "\",\"hostId\":" + lab2 + "}")));
        long cloneMillis = (System.nanoTime() - cloning) / 1_000_000;
        assertThat(JsonPath.<String>read(done, "$.message")).contains("on host lab2 (from host lab1)");
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).doesNotContain(FAR);
        assertThat(Lab.virsh(Lab.LAB2, "vol-list", "images")).contains(FAR + "-vda.qcow2");
        Process compare = new ProcessBuilder("qemu-img", "compare",
                Lab.DIR.resolve("images/tiny1.qcow2").toString(),
                Lab.DIR.resolve("images/" + FAR + "-vda.qcow2").toString()).redirectErrorStream(true).start();
        String said = new String(compare.getInputStream().readAllBytes());
        assertThat(compare.waitFor()).as(said).isZero();

        long far = api.guestId(lab2, FAR);
        mvc.perform(api.post("/api/v1/guests/" + far + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        Duration answered = Lab.consoleAnswers(Lab.LAB2, FAR);
        System.out.printf("[lab] tiny1 cloned to lab2 in %d ms (%s); the clone answered %d ms after its start%n",
                cloneMillis, said.strip(), answered.toMillis());
    }

    /** Waits for the task the request was answered with (202) to end, expects it to have succeeded, returns it. */
    private String succeeds(ResultActions accepted) throws Exception {
        Number id = JsonPath.read(accepted.andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString(), "$.id");
        String done = await().atMost(Duration.ofSeconds(120)).until(() -> api.getJson("/api/v1/tasks/" + id),
                json -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(JsonPath.<String>read(json, "$.state")));
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        return done;
    }
}
