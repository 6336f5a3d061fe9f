package io.virtdeck.guest.devices;

import java.util.List;

import io.virtdeck.hypervisor.DeviceGateway;
import io.virtdeck.hypervisor.DomainGateway;
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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Hot-plug requests against libvirt's test driver, which cannot plug devices: bad input is refused naming the field,
 * and a disk whose plugging fails leaves no volume behind (asked of libvirt). The plugging itself is proved on the
 * lab (GuestHotplugLabTest).
 */
@VirtdeckIntegrationTest
class GuestDevicesApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    DeviceGateway deviceGateway;
    @Autowired
    StorageGateway storageGateway;

    Api api;
    long host;
    long web;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("devices-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
    }

    @Test
    void aDiskThatCannotBePluggedLeavesNoVolumeBehind() throws Exception {
        String pool = "default";
        List<String> before = volumes(pool);
        mvc.perform(api.post("/api/v1/guests/" + web + "/disks", "{\"pool\":\"" + pool + "\",\"sizeMiB\":64}"))
                .andExpect(status().is4xxClientError());
        assertThat(volumes(pool)).as("the volume made for it is gone again").isEqualTo(before);
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        refused("/disks", "{\"pool\":\"nope\",\"sizeMiB\":64}", "pool");
        String pool = "default";
        refused("/disks", "{\"pool\":\"" + pool + "\",\"sizeMiB\":0}", "sizeMiB");
        refused("/disks", "{\"pool\":\"" + pool + "\",\"sizeMiB\":64,\"format\":\"vmdk\"}", "format");
        refused("/nics", "{\"network\":\"nope\"}", "network");
        mvc.perform(delete("/api/v1/guests/" + web + "/nics/not-a-mac").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("mac"));
        mvc.perform(delete("/api/v1/guests/" + web + "/disks/VDB1").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("target"));
        mvc.perform(delete("/api/v1/guests/" + web + "/disks/vdq").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());
    }

    @Test
    void badNicsAreRefusedNamingTheFieldAndChangeNothingOnTheHost() throws Exception {
        java.util.Set<String> macsBefore = deviceGateway.nicMacs(host);
        String xmlBefore = domainGateway.domainXml(host,
                java.util.UUID.fromString("11111111-1111-4111-8111-111111111111"));
        refused("/nics", "{\"network\":\"default\",\"model\":\"ne2k_isa\"}", "model");
        refused("/nics", "{\"network\":\"default\",\"mac\":\"52:54:00:12:34\"}", "mac");
        refused("/nics", "{\"network\":\"default\",\"mac\":\"33:33:00:00:00:01\"}", "mac"); // multicast
        refused("/nics", "{\"network\":\"default\",\"bridge\":\"virbr0\"}", "bridge");
        refused("/nics", "{}", "network");
        refused("/nics", "{\"bridge\":\"br-nope\"}", "bridge");
        // alpha-web's own NIC has this address (libvirt's definition says so, whatever the case)
        mvc.perform(api.post("/api/v1/guests/" + web + "/nics", "{\"network\":\"default\",\"mac\":\"52:54:00:00:00:01\"}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("mac"));
        long gamma = api.guestId(host, "gamma-build");
        mvc.perform(api.post("/api/v1/guests/" + gamma + "/nics", "{\"network\":\"default\",\"mac\":\"52:54:00:00:00:01\"}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("mac"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("already")));
        assertThat(deviceGateway.nicMacs(host)).as("no NIC was added anywhere").isEqualTo(macsBefore);
        assertThat(domainGateway.domainXml(host, java.util.UUID.fromString("11111111-1111-4111-8111-111111111111")))
                .isEqualTo(xmlBefore);
    }

    private void refused(String path, String json, String field) throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + web + path, json)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value(field));
    }

    /** The pool's volumes, as libvirt lists them. */
    private List<String> volumes(String pool) {
        return storageGateway.volumes(host, pool).stream().map(VolumeFacts::name).sorted().toList();
    }
}
