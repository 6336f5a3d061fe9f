package io.virtdeck.guest.devices;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The CD-ROM part of the Devices page offers to insert an image only where one can go in: into a guest's drive, or
 * into a shut-off guest (which gets a drive). A running guest without a drive says so instead of offering a button
 * that ends in a refusal; the API still refuses it with a 409 naming the guest. On libvirt's test driver
 * (small-host.xml: alpha-web runs without a drive, gamma-build is shut off with one).
 */
@VirtdeckIntegrationTest
class GuestCdromPageTest {

    private static final String INSERT_FORM = "/cdrom/insert\"";

    @Autowired
    MockMvc mvc;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("cdrom-page-" + System.nanoTime(), TestHosts.smallHost());
    }

    @Test
    void aRunningGuestWithoutADriveIsOfferedNoInsertAndToldWhereADriveComesFrom() throws Exception {
        String page = page(api.guestId(host, "alpha-web"));
        assertThat(page).doesNotContain(INSERT_FORM).doesNotContain("Insert image")
                .contains("No CD-ROM drive: add one while the guest is")
                .contains("shut off");
    }

    @Test
    void aGuestWithADriveOrShutOffIsOfferedInsert() throws Exception {
        assertThat(page(api.guestId(host, "gamma-build"))).contains(INSERT_FORM).contains("Insert image")
                .doesNotContain("No CD-ROM drive");
    }

    @Test
    void theApiRefusesAnImageForARunningGuestWithoutADriveNamingTheGuest() throws Exception {
        long web = api.guestId(host, "alpha-web");
        mvc.perform(api.post("/api/v1/guests/" + web + "/cdrom/insert",
                        "{\"pool\":\"default\",\"volume\":\"install.iso\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("'alpha-web' has no CD-ROM drive")));
        mvc.perform(api.post("/api/v1/guests/" + web + "/cdrom/eject", "{}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("'alpha-web' has no CD-ROM drive")));
    }

    private String page(long guest) throws Exception {
        return mvc.perform(get("/guests/" + guest + "/devices").with(user(Api.ADMIN).roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }
}
