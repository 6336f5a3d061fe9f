package io.virtdeck.guest.cloudinit;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * cloud-init in the pages: the create wizard's section is carried through the review (which says what the seed will
 * hold) and marks a refused field; the template form and the guest's own page do the same.
 */
@VirtdeckIntegrationTest
class CloudInitPageTest {

    @Autowired
    MockMvc mvc;

    private long host;

    @BeforeEach
    void host() throws Exception {
        Api api = new Api(mvc);
        host = api.registerHost("ci-page-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web");
    }

    private MockHttpServletRequestBuilder wizard(String step) {
        return post("/hosts/" + host + "/guests/new").with(user("admin").roles("ADMIN")).with(csrf())
                .param("step", step).param("name", "web-9").param("vcpus", "1").param("memoryMiB", "256")
                .param("disks[0].source", "new:default").param("disks[0].sizeGiB", "1")
                .param("networks", "default").param("cloudInit.enabled", "true").param("cloudInit.user", "ops");
    }

    @Test
    void theWizardsReviewSaysWhatTheSeedHoldsAndCarriesItThrough() throws Exception {
        String form = mvc.perform(get("/hosts/" + host + "/guests/new").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(form).contains("Configure the guest with cloud-init", "name=\"cloudInit.sshKeys\"");

        String review = mvc.perform(wizard("review").param("cloudInit.sshKeys", CloudInitChecksTest.KEY + "\n")
                        .param("cloudInit.address", "192.168.10.9/24").param("cloudInit.gateway", "192.168.10.1"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(review).contains("cloud-init: hostname web-9, user ops (1 SSH key(s)), 1 static address(es)")
                .contains("name=\"cloudInit.sshKeys\"", "value=\"192.168.10.9/24\"");
    }

    @Test
    void aRefusedFieldIsMarkedWhereItWasTyped() throws Exception {
        String page = mvc.perform(wizard("review").param("cloudInit.sshKeys", "ssh-ed25519 AAAA-broken"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"ci-sshKeys-error\"", "Not an OpenSSH public key");
        assertThat(page).containsPattern("id=\"ci-sshKeys\"[^>]*aria-invalid=\"true\"");

        long off = new Api(mvc).guestId(host, "gamma-build");
        String own = mvc.perform(get("/guests/" + off + "/cloud-init").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(own).contains("has no cloud-init seed yet", "Save and write the seed");
        String refused = mvc.perform(post("/guests/" + off + "/cloud-init").with(user("admin").roles("ADMIN"))
                        .with(csrf()).param("hostname", "web 9").param("gateway", "10.0.0.1"))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(refused).contains("id=\"ci-hostname-error\"", "no spaces");
    }
}
