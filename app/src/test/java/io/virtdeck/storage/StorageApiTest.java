package io.virtdeck.storage;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.HypervisorGateway;
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

/** Pools and volumes over REST against libvirt's test driver; what is made or deleted is checked with libvirt. */
@VirtdeckIntegrationTest
class StorageApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    HypervisorGateway libvirt;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("storage-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "gamma-build"); // synced: the guests' disks are known
    }

    @Test
    void poolsAndVolumesNameTheGuestsThatUseThem() {
        String pools = api.getJson("/api/v1/hosts/" + host + "/pools");
        assertThat(JsonPath.<List<String>>read(pools, "$[?(@.name == 'default')].type")).containsExactly("dir");
        assertThat(JsonPath.<List<Boolean>>read(pools, "$[?(@.name == 'default')].active")).containsExactly(true);
        String volumes = api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes");
        assertThat(JsonPath.<List<List<String>>>read(volumes, "$[?(@.name == 'alpha-web.qcow2')].usedBy"))
                .containsExactly(List.of("alpha-web"));
        assertThat(JsonPath.<List<List<String>>>read(volumes, "$[?(@.name == 'install.iso')].usedBy").get(0))
                .contains("gamma-build");
    }

    @Test
    void aVolumeIsMadeAndDeletedAndOneInUseIsKept() throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools/default/volumes",
                        "{\"name\":\"data-1.qcow2\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.capacityMiB").value(64));
        assertThat(onHost()).contains("data-1.qcow2");
        mvc.perform(delete("/api/v1/hosts/" + host + "/pools/default/volumes/data-1.qcow2")
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isNoContent());
        assertThat(onHost()).doesNotContain("data-1.qcow2");

        mvc.perform(delete("/api/v1/hosts/" + host + "/pools/default/volumes/alpha-web.qcow2")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("alpha-web")));
        assertThat(onHost()).contains("alpha-web.qcow2");
    }

    @Test
    void aDirectoryPoolIsMadeAndStarted() throws Exception {
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools",
                        "{\"name\":\"fast\",\"type\":\"dir\",\"path\":\"/srv/fast-images\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.active").value(true));
        assertThat(libvirt.pools(host)).anyMatch(p -> p.name().equals("fast") && p.active());
    }

    @Test
    void badInputIsRefusedNamingTheField() throws Exception {
        String volumes = "/api/v1/hosts/" + host + "/pools/default/volumes";
        refused(volumes, "{\"name\":\"bad name\",\"sizeMiB\":1}", 400, "name");
        refused(volumes, "{\"name\":\"v\",\"sizeMiB\":0}", 400, "sizeMiB");
        refused(volumes, "{\"name\":\"v\",\"sizeMiB\":1,\"format\":\"vmdk\"}", 400, "format");
        mvc.perform(api.post(volumes, "{\"name\":\"alpha-web.qcow2\",\"sizeMiB\":1}")).andExpect(status().isConflict());
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools/nope/volumes", "{\"name\":\"v\",\"sizeMiB\":1}"))
                .andExpect(status().isNotFound());
        String pools = "/api/v1/hosts/" + host + "/pools";
        refused(pools, "{\"name\":\"p\",\"type\":\"logical\",\"path\":\"/dev/vg\"}", 400, "type");
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"relative/dir\"}", 400, "path");
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"/srv/../etc\"}", 400, "path");
        refused(pools, "{\"name\":\"p\",\"type\":\"dir\",\"path\":\"/etc/libvirt\"}", 400, "path");
        mvc.perform(api.post(pools, "{\"name\":\"default\",\"type\":\"dir\",\"path\":\"/srv/x\"}"))
                .andExpect(status().isConflict());
        assertThat(libvirt.pools(host)).noneMatch(p -> p.name().equals("p"));
    }

    private void refused(String path, String json, int status, String field) throws Exception {
        mvc.perform(api.post(path, json)).andExpect(status().is(status)).andExpect(jsonPath("$.field").value(field));
    }

    private List<String> onHost() {
        return libvirt.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }
}
