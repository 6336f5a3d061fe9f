package io.virtdeck.web;

import java.util.List;

import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.util.HtmlUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The create wizard of a host: what it offers, the review of what will be made, the create, and refusals shown next to
 * the field at fault with the form as it was filled in.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestCreatePagesTest {

    private static final RequestPostProcessor OPERATOR = user("create-op").roles("OPERATOR");

    @Autowired
    MockMvc mvc;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    StorageGateway storageGateway;

    long host;

    @BeforeAll
    void aHost() throws Exception {
        Api api = new Api(mvc);
        host = api.registerHost("wizard", TestHosts.smallHost());
        api.guestId(host, "alpha-web");
    }

    @Test
    void theFormOffersTheHostsPoolsImagesAndNetworks() throws Exception {
        assertThat(page("/hosts/" + host)).contains("href=\"/hosts/" + host + "/guests/new\"", "New guest…");
        String form = page("/hosts/" + host + "/guests/new");
        assertThat(form).contains("New guest on <span>wizard</span>", "<legend>General</legend>",
                        "<legend>Disks</legend>", "<legend>CD-ROM and boot</legend>", "<legend>Network</legend>",
                        "<legend>Firmware and graphics</legend>", "<strong>QEMU</strong> (software emulation, slower)", "8 CPUs",
                        "selected=\"selected\">New volume in default (91.3 GiB free)</option>",
                        "value=\"default/install.iso\"", "Interface on network default",
                        "This host offers no UEFI firmware", "id=\"firmware-uefi\"", "VNC graphical console",
                        "for=\"disk2-source\"", "<label for=\"name\">Name</label>")
                // disks of other guests are not offered as existing volumes; the ISO is a CD-ROM, not a disk
                .doesNotContain("volume:default/alpha-web.qcow2", "volume:default/install.iso");
    }

    @Test
    void reviewShowsWhatWillBeMadeThenCreateMakesIt() throws Exception {
        String review = mvc.perform(filled("review", "wiz-01", "2048")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(review).contains("Create wiz-01 on wizard?",
                "new qcow2 volume wiz-01-disk1.qcow2 of 10 GiB in pool default", "default/install.iso",
                "cdrom, then hd", "Nothing has been created yet", "name=\"disks[0].source\" value=\"new:default\"",
                "value=\"create\"", "Change settings");
        assertThat(domainNames()).doesNotContain("wiz-01");

        mvc.perform(filled("create", "wiz-01", "2048"))
                .andExpect(redirectedUrlPattern("/guests/*"))
                .andExpect(flash().attribute("notice",
                        "Guest wiz-01 was created on host wizard. It is shut off: start it when you are ready."));
        assertThat(domainNames()).contains("wiz-01");
        assertThat(storageGateway.volumes(host, "default").stream().map(VolumeFacts::name))
                .contains("wiz-01-disk1.qcow2");
    }

    @Test
    void refusalsComeBackNextToTheFieldWithTheFormAsFilledIn() throws Exception {
        String tooBig = mvc.perform(filled("review", "wiz-big", "999999")).andExpect(status().isBadRequest())
                .andReturn().getResponse().getContentAsString();
        assertThat(tooBig).contains("class=\"problem\"", "correct the field marked below",
                "id=\"memoryMiB-error\"", "Memory (MiB) is 999999, more than the host&#39;s 16384 MiB of memory.",
                "aria-invalid=\"true\"", "aria-describedby=\"memoryMiB-hint memoryMiB-error\"",
                "value=\"999999\"", "value=\"wiz-big\"");

        String taken = mvc.perform(filled("create", "alpha-web", "512")).andExpect(status().isConflict())
                .andReturn().getResponse().getContentAsString();
        assertThat(taken).contains("id=\"name-error\"", html("A guest named 'alpha-web' already exists on this host"));

        // the second row's disk is the request's first: its error shows on the second row
        String noPool = mvc.perform(post("/hosts/" + host + "/guests/new").param("step", "review")
                        .param("name", "wiz-pool").param("vcpus", "1").param("memoryMiB", "256")
                        .param("disks[0].source", "").param("disks[1].source", "new:gone").param("disks[1].sizeGiB", "1")
                        .with(OPERATOR).with(csrf()))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(noPool).contains("id=\"disk1-error\"", html("There is no storage pool 'gone' on this host."))
                .doesNotContain("id=\"disk0-error\"");

        String notANumber = mvc.perform(post("/hosts/" + host + "/guests/new").param("name", "wiz-n")
                        .param("vcpus", "two").param("memoryMiB", "256").with(OPERATOR).with(csrf()))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(notANumber).contains("id=\"vcpus-error\"", "vCPUs must be a whole number.", "value=\"two\"");
        assertThat(domainNames()).doesNotContain("wiz-big", "wiz-pool", "wiz-n");
    }

    @Test
    void aFailureMidwayIsReportedOnTheFormAndLeavesNothing() throws Exception {
        String failed = mvc.perform(post("/hosts/" + host + "/guests/new").param("step", "create")
                        .param("name", "wiz-half").param("vcpus", "1").param("memoryMiB", "256")
                        .param("disks[0].source", "new:default").param("disks[0].sizeGiB", "1")
                        .param("disks[1].source", "new:default").param("disks[1].sizeGiB", "500")
                        .param("disks[1].format", "raw").with(OPERATOR).with(csrf()))
                .andExpect(status().isUnprocessableContent()).andReturn().getResponse().getContentAsString();
        assertThat(failed).contains("class=\"problem\"", "Creating &#39;wiz-half&#39; failed while creating volume",
                "Nothing was left behind");
        assertThat(domainNames()).doesNotContain("wiz-half");
        assertThat(storageGateway.volumes(host, "default").stream().map(VolumeFacts::name))
                .noneMatch(name -> name.startsWith("wiz-half"));
    }

    @Test
    void helpDeskAndViewerCannotOpenOrPostTheWizard() throws Exception {
        for (RequestPostProcessor who : List.of(user("d").roles("HELPDESK"), user("v").roles("VIEWER"))) {
            mvc.perform(get("/hosts/" + host + "/guests/new").with(who)).andExpect(status().isForbidden());
            mvc.perform(filled("create", "wiz-denied", "256").with(who)).andExpect(status().isForbidden());
        }
        assertThat(domainNames()).doesNotContain("wiz-denied");
        mvc.perform(get("/hosts/999999/guests/new").with(OPERATOR)).andExpect(status().isNotFound());
    }

    private MockHttpServletRequestBuilder filled(String step, String name, String memory) {
        return post("/hosts/" + host + "/guests/new").param("step", step).param("name", name).param("vcpus", "2")
                .param("memoryMiB", memory).param("disks[0].source", "new:default").param("disks[0].sizeGiB", "10")
                .param("disks[0].format", "qcow2").param("cdrom", "default/install.iso").param("networks", "default")
                .param("firmware", "bios").param("vnc", "true").param("_vnc", "on").with(OPERATOR).with(csrf());
    }

    private List<String> domainNames() {
        return domainGateway.listDomains(host).stream().map(DomainFacts::name).toList();
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(OPERATOR)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    private static String html(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
