package io.virtdeck.guest.devices;

import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Growing a disk on libvirt's test driver: a size not larger than now, a target the guest has no disk at, or a paused
 * guest are refused naming why, and a host that cannot resize says so, changing nothing. (A running guest's disk grown
 * and seen by its kernel: GuestHotplugLabTest, on real libvirtd.)
 */
@VirtdeckIntegrationTest
class GuestDiskGrowTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    StorageGateway storageGateway;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("grow-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web");
    }

    @Test
    void aDiskNeverShrinksAndWhatCannotGrowSaysWhy() throws Exception {
        long build = api.guestId(host, "gamma-build");
        long before = capacity("gamma-build.qcow2");
        mvc.perform(api.post("/api/v1/guests/" + build + "/disks/vda/grow", "{\"sizeMiB\":" + before + "}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("sizeMiB"))
                .andExpect(jsonPath("$.message").value(containsString("disks only grow")));
        mvc.perform(api.post("/api/v1/guests/" + build + "/disks/vdq/grow", "{\"sizeMiB\":99999}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("target"));
        // the test driver resizes no volume: said as it is, nothing changed
        mvc.perform(api.post("/api/v1/guests/" + build + "/disks/vda/grow", "{\"sizeMiB\":" + (before + 1024) + "}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("does not support this")));
        assertThat(capacity("gamma-build.qcow2")).isEqualTo(before);

        long paused = api.guestId(host, "beta-db");
        mvc.perform(api.post("/api/v1/guests/" + paused + "/disks/vda/grow", "{\"sizeMiB\":999999}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.message").value(containsString("paused")));
    }

    private long capacity(String volume) {
        return storageGateway.volume(host, "default", volume).map(VolumeFacts::capacityMiB).orElseThrow();
    }
}
