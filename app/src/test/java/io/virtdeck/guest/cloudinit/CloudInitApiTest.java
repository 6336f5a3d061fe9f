package io.virtdeck.guest.cloudinit;

import java.util.List;

import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * cloud-init through the REST API on libvirt's test driver: bad settings are refused naming the field and nothing is
 * created; a seed that cannot be written takes the whole create back; a running guest's settings wait. (Seeds
 * written, replaced, deleted, and read by cloud-init in a real guest: CloudInitLabTest, on real libvirtd.)
 */
@VirtdeckIntegrationTest
class CloudInitApiTest {

    private static final String KEY = CloudInitChecksTest.KEY;

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    StorageGateway storageGateway;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("cloud-init-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web"); // connected and synced
    }

    @Test
    void aHostThatCannotTakeTheSeedLeavesNoHalfMadeGuest() throws Exception {
        // libvirt's test driver has no volume uploads: the seed fails after the disk and the domain were made
        create(guest("web-1", "\"cloudInit\":{\"user\":\"ops\",\"sshKeys\":[\"" + KEY + "\"]}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("failed while writing its cloud-init seed")))
                .andExpect(jsonPath("$.message").value(containsString("virStorageVolUpload. Nothing was left behind")));
        assertThat(domainGateway.listDomains(host)).extracting(DomainFacts::name).doesNotContain("web-1");
        assertThat(volumeNames()).noneMatch(name -> name.startsWith("web-1"));
        assertThat(jdbc.sql("SELECT count(*) FROM guest_cloud_init c JOIN guests g ON g.id = c.guest_id"
                + " WHERE g.name = 'web-1'").query(Long.class).single()).isZero();
    }

    @Test
    void badSettingsAreRefusedNamingTheFieldAndCreateNothing() throws Exception {
        refused(guest("bad-1", "\"cloudInit\":{\"user\":\"ops\",\"sshKeys\":[\"ssh-ed25519 AAAA-broken\"]}"),
                "cloudInit.sshKeys[0]");
        refused(guest("bad-2", "\"cloudInit\":{\"hostname\":\"web 1\"}"), "cloudInit.hostname");
        refused(guest("bad-3", "\"cloudInit\":{\"nics\":[{\"address\":\"10.0.0.5/24\",\"gateway\":\"10.0.1.1\"}]}"),
                "cloudInit.nics[0].gateway");
        refused(guest("bad-4", "\"cloudInit\":{\"userData\":\"packages: [htop\\nruncmd: x\"}"), "cloudInit.userData")
                .andExpect(jsonPath("$.message").value(containsString("not valid YAML")));
        // a value of the wrong kind is named by its whole path, as the checks name theirs
        refused(guest("bad-5", "\"cloudInit\":{\"nics\":\"x\"}"), "cloudInit.nics")
                .andExpect(jsonPath("$.message").value("cloudInit.nics must be a list."));
        assertThat(domainGateway.listDomains(host)).extracting(DomainFacts::name).noneMatch(n -> n.startsWith("bad-"));
        assertThat(volumeNames()).noneMatch(n -> n.startsWith("bad-"));
    }

    @Test
    void aRunningGuestsSettingsWaitForItToBeShutOff() throws Exception {
        long running = api.guestId(host, "alpha-web");
        mvc.perform(api.get("/api/v1/guests/" + running + "/cloud-init")).andExpect(status().isNotFound());
        mvc.perform(api.put("/api/v1/guests/" + running + "/cloud-init", "{\"hostname\":\"web\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("shut it down")));
        long off = api.guestId(host, "gamma-build");
        mvc.perform(api.put("/api/v1/guests/" + off + "/cloud-init", "{\"hostname\":\"web 2\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("hostname"));
    }

    private static String guest(String name, String more) {
        return "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":256,\"networks\":[\"default\"],"
                + "\"disks\":[{\"pool\":\"default\",\"sizeMiB\":1024}]," + more + "}";
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(api.post("/api/v1/hosts/" + host + "/guests", json));
    }

    private ResultActions refused(String json, String field) throws Exception {
        return create(json).andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(field));
    }

    private List<String> volumeNames() {
        return storageGateway.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }
}
