package io.virtdeck.guest.clone;

import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.NewVolume;
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
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Clones and templates through the API on libvirt's test driver: what is made on the host (asked of libvirt, not only
 * of the inventory), the refusals before anything is copied, and a clone that fails midway leaving nothing behind.
 */
@VirtdeckIntegrationTest
class GuestCloneApiTest {

    private static final String IMAGES = "/var/lib/libvirt/images/";

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
        host = api.registerHost("clone-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web"); // connected and synced
    }

    @Test
    void aCloneHasANewNameUuidAndMacsAndACopyOfEveryDiskAndSharesTheCdrom() throws Exception {
        long source = created("""
                {"name":"src","vcpus":2,"memoryMiB":512,"disks":[{"pool":"default","sizeMiB":2048}],
                 "cdrom":"default/install.iso","networks":["default"]}""");
        DomainFacts original = domain("src");

        String task = clone(source, "{\"name\":\"src-copy\"}").andExpect(status().isAccepted())
                .andExpect(header().string("Location", containsString("/api/v1/tasks/")))
                .andExpect(jsonPath("$.type").value("guest.clone"))
                .andReturn().getResponse().getContentAsString();
        String done = finished(task);
        assertThat(JsonPath.<String>read(done, "$.state")).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<Integer>read(done, "$.progress")).isEqualTo(100);
        assertThat(JsonPath.<String>read(done, "$.message")).contains("full copy of 'src' as 'src-copy'",
                "default/src-copy-vda.qcow2");

        DomainFacts copy = domain("src-copy");
        assertThat(copy.uuid()).isNotEqualTo(original.uuid());
        assertThat(copy.state().name()).isEqualTo("SHUTOFF");
        assertThat(copy.vcpus()).isEqualTo(2);
        assertThat(copy.nics()).hasSize(1);
        assertThat(copy.nics().get(0).mac()).isNotNull().isNotEqualTo(original.nics().get(0).mac());
        assertThat(copy.nics().get(0).source()).isEqualTo("default");
        assertThat(copy.disks()).extracting(d -> d.device() + " " + d.target() + " " + d.source()).containsExactly(
                "disk vda " + IMAGES + "src-copy-vda.qcow2", "cdrom sda " + IMAGES + "install.iso");
        VolumeFacts copied = volume("src-copy-vda.qcow2");
        assertThat(copied.capacityMiB()).isEqualTo(2048);
        assertThat(copied.format()).isEqualTo("qcow2");
        assertThat(domain("src").disks().get(0).source()).as("the source keeps its disk")
                .isEqualTo(IMAGES + "src-disk1.qcow2");

        long copyId = api.guestId(host, "src-copy");
        mvc.perform(api.get("/api/v1/guests/" + copyId)).andExpect(jsonPath("$.template").value(false));
        assertThat(Api.audited(jdbc, "guest.clone", "src-copy")).isOne();
        assertThat(Api.audited(jdbc, "guest.changed-outside", "src-copy")).as("its own DEFINED event").isZero();
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsCopied() throws Exception {
        long running = api.guestId(host, "alpha-web");
        long stopped = api.guestId(host, "gamma-build");
        clone(running, "{\"name\":\"web-copy\"}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("'alpha-web' is running: shut it down before copying it, so"
                        + " that its disks do not change while they are copied."));
        refused(stopped, "{\"name\":\"beta-db\"}", 409, "name")
                .andExpect(jsonPath("$.message").value(
                        "A guest named 'beta-db' already exists on this host; choose another name."));
        refused(stopped, "{\"name\":\"-bad\"}", 400, "name");
        refused(stopped, "{\"name\":\"a b\"}", 400, "name");
        refused(stopped, "{\"name\":\"" + "x".repeat(65) + "\"}", 400, "name");
        refused(stopped, "{}", 400, "name");
        refused(stopped, "{\"name\":\"far\",\"hostId\":987654}", 400, "hostId");
        clone(987654, "{\"name\":\"x\"}").andExpect(status().isNotFound());
        mvc.perform(api.post("/api/v1/guests/" + stopped + "/clone", "{not json")).andExpect(status().isBadRequest());

        assertThat(domainNames()).containsExactlyInAnyOrder("alpha-web", "beta-db", "gamma-build");
        assertThat(volumeNames()).containsExactlyInAnyOrder("alpha-web.qcow2", "beta-db.qcow2", "gamma-build.qcow2",
                "install.iso");
    }

    @Test
    void aCloneThatFailsMidwayLeavesNoVolumeAndNoGuestOnTheHost() throws Exception {
        // the pool holds 100 GiB, 8.7 GiB used: after these 55 GiB (raw, allocated in full), the copy of the first
        // disk fits and the copy of the second does not
        storageGateway.createVolume(host, "default", new NewVolume("mid-a.img", 10240, "raw"));
        storageGateway.createVolume(host, "default", new NewVolume("mid-b.img", 46080, "raw"));
        long source = created("""
                {"name":"mid","vcpus":1,"memoryMiB":256,
                 "disks":[{"volume":"default/mid-a.img"},{"volume":"default/mid-b.img"}]}""");

        String done = finished(clone(source, "{\"name\":\"mid-copy\"}").andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString());

        assertThat(JsonPath.<String>read(done, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(done, "$.message")).contains(
                "Creating 'mid-copy' from 'mid' failed while copying disk vdb", "Not enough free space",
                "Nothing was left behind on host");
        assertThat(volumeNames()).as("asked of libvirt").doesNotContain("mid-copy-vda.img", "mid-copy-vdb.img")
                .hasSize(6);
        assertThat(domainNames()).doesNotContain("mid-copy");
        assertThat(api.getJson("/api/v1/guests?host=" + host + "&q=mid-copy")).contains("\"total\":0");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.clone' AND outcome = 'FAILURE'"
                + " AND object_name = 'mid-copy'").query(Long.class).single()).isOne();
    }

    @Test
    void aTemplateIsNotStartedAndGuestsAreCreatedFromItLinkedOrInFull() throws Exception {
        long template = api.guestId(host, "gamma-build");
        mvc.perform(MockMvcRequestBuilders.put("/api/v1/guests/" + template + "/template")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.template").value(true));
        assertThat(api.getJson("/api/v1/guests?host=" + host + "&q=gamma")).contains("\"template\":true");
        mvc.perform(api.post("/api/v1/guests/" + template + "/actions/start", "")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("'gamma-build' is a template: create a guest from it instead,"
                        + " or unmark it as a template first."));

        String linked = finished(create("{\"name\":\"from-tpl\",\"template\":\"gamma-build\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString());
        assertThat(JsonPath.<String>read(linked, "$.state")).isEqualTo("SUCCEEDED");
        assertThat(domain("from-tpl").disks()).extracting(d -> d.device() + " " + d.format() + " " + d.source())
                .containsExactly("disk qcow2 " + IMAGES + "from-tpl-vda.qcow2", "cdrom null " + IMAGES + "install.iso");
        assertThat(volume("from-tpl-vda.qcow2").allocationMiB()).as("a linked clone holds only its changes").isZero();
        assertThat(volume("from-tpl-vda.qcow2").capacityMiB()).isEqualTo(8192);

        String full = finished(create("{\"name\":\"full-tpl\",\"template\":" + template + ",\"linked\":false}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString());
        assertThat(JsonPath.<String>read(full, "$.message")).contains("full copy of 'gamma-build'");
        assertThat(volume("full-tpl-vda.qcow2").allocationMiB()).as("a full copy").isEqualTo(1024);
        assertThat(api.getJson("/api/v1/guests/" + api.guestId(host, "full-tpl"))).contains("\"template\":false");

        mvc.perform(MockMvcRequestBuilders.delete("/api/v1/guests/" + template + "?deleteDisks=true")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("its disks may back linked clones")));
        assertThat(volumeNames()).contains("gamma-build.qcow2");

        mvc.perform(MockMvcRequestBuilders.delete("/api/v1/guests/" + template + "/template")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.template").value(false));
        assertThat(Api.audited(jdbc, "guest.template.mark", "gamma-build")).isOne();
    }

    @Test
    void createFromTemplateRefusesWhatATemplateCannotGive() throws Exception {
        long template = api.guestId(host, "gamma-build");
        createRefused("{\"name\":\"x1\",\"template\":\"gamma-build\"}", 409, "template")
                .andExpect(jsonPath("$.message").value(containsString("is not marked as a template")));
        mvc.perform(MockMvcRequestBuilders.put("/api/v1/guests/" + template + "/template")
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        createRefused("{\"name\":\"x2\",\"template\":\"nowhere\"}", 400, "template");
        createRefused("{\"name\":\"x3\",\"template\":\"gamma-build\",\"vcpus\":2}", 400, "vcpus");
        createRefused("{\"name\":\"alpha-web\",\"template\":\"gamma-build\"}", 409, "name");
        createRefused("{\"name\":\"bad name\",\"template\":\"gamma-build\"}", 400, "name");
        long running = api.guestId(host, "alpha-web");
        mvc.perform(MockMvcRequestBuilders.put("/api/v1/guests/" + running + "/template")
                        .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("shut it down before marking it")));
        long plain = api.guestId(host, "beta-db");
        refused(plain, "{\"name\":\"y\"}", 409, null); // paused: not shut off
        assertThat(domainNames()).containsExactlyInAnyOrder("alpha-web", "beta-db", "gamma-build");
    }

    @Test
    void aCloneToAnotherHostNeedsThereThePoolsAndNetworksItUses() throws Exception {
        long other = api.registerHost("clone-other-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(other, "alpha-web");
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools",
                "{\"name\":\"extra\",\"type\":\"dir\",\"path\":\"/srv/extra-images\"}")).andExpect(status().isCreated());
        mvc.perform(api.post("/api/v1/hosts/" + host + "/networks", "{\"name\":\"lan2\",\"mode\":\"isolated\"}"))
                .andExpect(status().isCreated());
        long onExtra = created("{\"name\":\"on-extra\",\"vcpus\":1,\"memoryMiB\":256,"
                + "\"disks\":[{\"pool\":\"extra\",\"sizeMiB\":64}]}");
        long onLan2 = created("{\"name\":\"on-lan2\",\"vcpus\":1,\"memoryMiB\":256,\"networks\":[\"lan2\"]}");

        refused(onExtra, "{\"name\":\"far\",\"hostId\":" + other + "}", 409, "hostId")
                .andExpect(jsonPath("$.message").value(containsString("has no pool 'extra'")));
        refused(onLan2, "{\"name\":\"far\",\"hostId\":" + other + "}", 409, "hostId")
                .andExpect(jsonPath("$.message").value(containsString("has no network 'lan2'")));
        refused(api.guestId(host, "gamma-build"), "{\"name\":\"alpha-web\",\"hostId\":" + other + "}", 409,
                "name").andExpect(jsonPath("$.message").value(containsString("'alpha-web' already exists")));

        // no disk to stream (the test driver streams no bytes): defined over there, and only there
        long diskless = created("{\"name\":\"diskless\",\"vcpus\":1,\"memoryMiB\":256,\"networks\":[\"default\"]}");
        String done = finished(clone(diskless, "{\"name\":\"far-away\",\"hostId\":" + other + "}")
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString());
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        assertThat(domainGateway.listDomains(other).stream().map(DomainFacts::name)).contains("far-away");
        assertThat(domainNames()).doesNotContain("far-away");
        assertThat(api.guestId(other, "far-away")).isPositive();
    }

    private long created(String json) throws Exception {
        String body = create(json).andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(body, "$.id")).longValue();
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(api.post("/api/v1/hosts/" + host + "/guests", json));
    }

    private ResultActions createRefused(String json, int status, String field) throws Exception {
        return create(json).andExpect(status().is(status)).andExpect(jsonPath("$.field").value(field));
    }

    private ResultActions clone(long guest, String json) throws Exception {
        return mvc.perform(api.post("/api/v1/guests/" + guest + "/clone", json));
    }

    private ResultActions refused(long guest, String json, int status, String field) throws Exception {
        ResultActions result = clone(guest, json).andExpect(status().is(status));
        return field == null ? result : result.andExpect(jsonPath("$.field").value(field));
    }

    /** The task of a 202 answer, once it has ended. */
    private String finished(String accepted) {
        Number id = JsonPath.read(accepted, "$.id");
        return await().atMost(Duration.ofSeconds(20)).until(() -> api.getJson("/api/v1/tasks/" + id),
                json -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(JsonPath.<String>read(json, "$.state")));
    }

    private DomainFacts domain(String name) {
        return domainGateway.listDomains(host).stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> domainNames() {
        return domainGateway.listDomains(host).stream().map(DomainFacts::name).toList();
    }

    private List<String> volumeNames() {
        return storageGateway.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }

    private VolumeFacts volume(String name) {
        return storageGateway.volumes(host, "default").stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
