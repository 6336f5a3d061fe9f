package io.virtdeck.guest.create;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Creating guests through the API on libvirt's test driver: what is created on the host, the refusals before anything
 * is created, and a create that fails midway leaving nothing behind on the host (asked of libvirt itself).
 */
@VirtdeckIntegrationTest
class GuestCreateApiTest {

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
        host = api.registerHost("create-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(host, "alpha-web"); // connected and synced
    }

    @Test
    void createsTheVolumesAndTheGuestAndAnswersWithTheInventoryRow() throws Exception {
        storageGateway.createVolume(host, "default", new NewVolume("spare.qcow2", 4096, "qcow2"));
        String body = create("""
                {"name":"web-02","vcpus":2,"memoryMiB":1024,
                 "disks":[{"pool":"default","sizeMiB":10240},{"pool":"default","sizeMiB":512,"format":"raw"},
                          {"volume":"default/spare.qcow2"}],
                 "cdrom":"default/install.iso","networks":["default"],"autostart":true}""")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", containsString("/api/v1/guests/")))
                .andExpect(jsonPath("$.name").value("web-02"))
                .andExpect(jsonPath("$.hostId").value(host))
                .andExpect(jsonPath("$.state").value("SHUTOFF"))
                .andExpect(jsonPath("$.vcpus").value(2))
                .andExpect(jsonPath("$.memoryMiB").value(1024))
                .andExpect(jsonPath("$.autostart").value(true))
                .andExpect(jsonPath("$.nics[0].source").value("default"))
                .andExpect(jsonPath("$.graphics[0].type").value("vnc"))
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(body, "$.id")).longValue();

        assertThat(volumeNames()).contains("web-02-disk1.qcow2", "web-02-disk2.img");
        VolumeFacts first = volume("web-02-disk1.qcow2");
        assertThat(first.capacityMiB()).isEqualTo(10240);
        assertThat(first.format()).isEqualTo("qcow2");
        assertThat(volume("web-02-disk2.img").format()).isEqualTo("raw");
        DomainFacts domain = domain("web-02");
        assertThat(domain.disks()).extracting(d -> d.device() + " " + d.target() + " " + d.source()).containsExactly(
                "disk vda " + first.path(), "disk vdb " + volume("web-02-disk2.img").path(),
                "disk vdc /var/lib/libvirt/images/spare.qcow2", "cdrom sda /var/lib/libvirt/images/install.iso");
        String xml = domainGateway.domainXml(host, domain.uuid());
        assertThat(xml).contains("<boot dev='cdrom'/>", "<boot dev='hd'/>", "<acpi/>", "model type='virtio'");
        assertThat(domain.autostart()).isTrue();

        mvc.perform(api.get("/api/v1/guests/" + id)).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("web-02"));
        assertThat(jdbc.sql("""
                        SELECT detail FROM audit_events WHERE action = 'guest.create' AND object_id = :id
                        AND outcome = 'SUCCESS' AND username = 'admin'""")
                .param("id", Long.toString(id)).query(String.class).single())
                .contains("2 vCPU(s), 1024 MiB", "new qcow2 volume web-02-disk1.qcow2", "CD-ROM default/install.iso",
                        "autostart");
        assertThat(Api.audited(jdbc, "guest.changed-outside", "web-02")).as("its own DEFINED event").isZero();
    }

    @Test
    void theDefaultsAreBiosVncAndNoAutostart() throws Exception {
        create("{\"name\":\"plain\",\"vcpus\":1,\"memoryMiB\":256}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.autostart").value(false))
                .andExpect(jsonPath("$.disks").isEmpty());
        String xml = domainGateway.domainXml(host, domain("plain").uuid());
        assertThat(xml).contains("<graphics type='vnc'", "<boot dev='hd'/>").doesNotContain("firmware=", "cdrom");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndCreatesNothing() throws Exception {
        refused("{\"name\":\"alpha-web\",\"vcpus\":1,\"memoryMiB\":256}", 409, "name")
                .andExpect(jsonPath("$.message").value(
                        "A guest named 'alpha-web' already exists on this host; choose another name."));
        refused("{\"name\":\"big\",\"vcpus\":1,\"memoryMiB\":999999}", 400, "memoryMiB")
                .andExpect(jsonPath("$.message").value(
                        "memoryMiB is 999999, more than the host's 16384 MiB of memory."));
        refused("{\"name\":\"wide\",\"vcpus\":64,\"memoryMiB\":256}", 400, "vcpus");
        refused("{\"name\":\"zero\",\"vcpus\":0,\"memoryMiB\":256}", 400, "vcpus");
        refused("{\"name\":\"tiny\",\"vcpus\":1}", 400, "memoryMiB");
        refused("{\"name\":\"-dash\",\"vcpus\":1,\"memoryMiB\":256}", 400, "name");
        refused("{\"name\":\"" + "x".repeat(65) + "\",\"vcpus\":1,\"memoryMiB\":256}", 400, "name");
        refused("{\"name\":\"a b\",\"vcpus\":1,\"memoryMiB\":256}", 400, "name");
        refused("{\"vcpus\":1,\"memoryMiB\":256}", 400, "name");
        refused(guest("\"disks\":[{\"pool\":\"nowhere\",\"sizeMiB\":1024}]"), 400, "disks[0].pool")
                .andExpect(jsonPath("$.message").value("There is no storage pool 'nowhere' on this host."));
        refused(guest("\"disks\":[{\"pool\":\"default\",\"sizeMiB\":1024},{\"pool\":\"default\"}]"), 400,
                "disks[1].sizeMiB");
        refused(guest("\"disks\":[{\"pool\":\"default\",\"sizeMiB\":1024,\"format\":\"vmdk\"}]"), 400,
                "disks[0].format");
        refused(guest("\"disks\":[{\"volume\":\"default/nothing.qcow2\"}]"), 400, "disks[0].volume");
        refused(guest("\"disks\":[{\"volume\":\"default/alpha-web.qcow2\"}]"), 409, "disks[0].volume")
                .andExpect(jsonPath("$.message").value(
                        "Volume 'default/alpha-web.qcow2' is a disk of guest 'alpha-web' already."));
        refused(guest("\"disks\":[{\"pool\":\"default\",\"sizeMiB\":1,\"volume\":\"default/x\"}]"), 400, "disks[0]");
        refused(guest("\"cdrom\":\"default/missing.iso\""), 400, "cdrom");
        refused(guest("\"cdrom\":\"install.iso\""), 400, "cdrom");
        refused(guest("\"networks\":[\"default\",\"nowhere\"]"), 400, "networks");
        refused(guest("\"firmware\":\"uefi\""), 400, "firmware")
                .andExpect(jsonPath("$.message").value(containsString("no UEFI firmware")));
        refused(guest("\"firmware\":\"coreboot\""), 400, "firmware");
        refused(guest("\"kvm\":true"), 400, "kvm")
                .andExpect(jsonPath("$.message").value(containsString("This host offers no KVM acceleration")));
        refused(guest("\"graphics\":\"spice\""), 400, "graphics");
        refused(guest("\"bootOrder\":[\"cdrom\",\"hd\"]"), 400, "bootOrder");
        refused(guest("\"bootOrder\":[\"floppy\"]"), 400, "bootOrder");
        mvc.perform(api.post("/api/v1/hosts/" + host + "/guests", "{not json")).andExpect(status().isBadRequest());
        mvc.perform(api.post("/api/v1/hosts/987654/guests", guest("\"autostart\":false")))
                .andExpect(status().isNotFound());

        assertThat(domainNames()).containsExactlyInAnyOrder("alpha-web", "beta-db", "gamma-build");
        assertThat(volumeNames()).containsExactlyInAnyOrder("alpha-web.qcow2", "beta-db.qcow2", "gamma-build.qcow2",
                "install.iso");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.create' AND outcome = 'FAILURE'"
                + " AND object_name = 'big'").query(Long.class).single()).isOne();
    }

    @Test
    void aCreateThatFailsMidwayLeavesNoVolumeAndNoGuestOnTheHost() throws Exception {
        // the test driver's pool holds 100 GiB: the first volume is made, the second (raw, allocated in full) is
        // refused by libvirt
        create("""
                {"name":"half","vcpus":1,"memoryMiB":256,"networks":["default"],
                 "disks":[{"pool":"default","sizeMiB":1024},{"pool":"default","sizeMiB":204800,"format":"raw"}]}""")
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.message").value(containsString(
                        "Creating 'half' failed while creating volume half-disk2.img in pool default")))
                .andExpect(jsonPath("$.message").value(containsString("Nothing was left behind on host")));

        assertThat(volumeNames()).as("asked of libvirt").doesNotContain("half-disk1.qcow2", "half-disk2.img")
                .hasSize(4);
        assertThat(domainNames()).doesNotContain("half");
        assertThat(api.getJson("/api/v1/guests?host=" + host + "&q=half")).contains("\"total\":0");
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'guest.create' AND outcome = 'FAILURE'"
                + " AND object_name = 'half'").query(String.class).single()).contains("Not enough free space");

        // the same request with room for both now works: nothing of the failed one stands in its way
        create("""
                {"name":"half","vcpus":1,"memoryMiB":256,
                 "disks":[{"pool":"default","sizeMiB":1024},{"pool":"default","sizeMiB":2048,"format":"raw"}]}""")
                .andExpect(status().isCreated());
        assertThat(volumeNames()).contains("half-disk1.qcow2", "half-disk2.img");
    }

    @Test
    void aVolumeLeftByAnEarlierGuestIsAConflictNotOverwritten() throws Exception {
        create("{\"name\":\"old\",\"vcpus\":1,\"memoryMiB\":256,\"disks\":[{\"pool\":\"default\",\"sizeMiB\":64}]}")
                .andExpect(status().isCreated());
        long old = api.guestId(host, "old");
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .delete("/api/v1/guests/" + old + "?deleteDisks=false")
                        .with(org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors
                                .httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk());
        refused("{\"name\":\"old\",\"vcpus\":1,\"memoryMiB\":256,\"disks\":[{\"pool\":\"default\",\"sizeMiB\":64}]}",
                409, "disks[0].pool")
                .andExpect(jsonPath("$.message").value(containsString("already has a volume named 'old-disk1.qcow2'")));
    }

    private static String guest(String more) {
        return "{\"name\":\"ok-name\",\"vcpus\":1,\"memoryMiB\":256," + more + "}";
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(api.post("/api/v1/hosts/" + host + "/guests", json));
    }

    private ResultActions refused(String json, int status, String field) throws Exception {
        return create(json).andExpect(status().is(status)).andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.field").value(field));
    }

    private List<String> volumeNames() {
        return storageGateway.volumes(host, "default").stream().map(VolumeFacts::name).toList();
    }

    private VolumeFacts volume(String name) {
        return storageGateway.volumes(host, "default").stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private List<String> domainNames() {
        return domainGateway.listDomains(host).stream().map(DomainFacts::name).toList();
    }

    private DomainFacts domain(String name) {
        return domainGateway.listDomains(host).stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}
