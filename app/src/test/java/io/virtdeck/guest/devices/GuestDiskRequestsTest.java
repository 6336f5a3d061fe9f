package io.virtdeck.guest.devices;

import java.util.List;
import java.util.UUID;

import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.PoolSpec;
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
 * Attaching an existing volume, the CD-ROM and moving a disk, asked of libvirt's test driver (which plugs no device
 * and copies no disk): every refusal names the field at fault, and the guest at fault when another guest has the
 * volume, and changes nothing on the host. What passes these checks is done for real in GuestDiskMoveLabTest and
 * GuestCdromLabTest.
 */
@VirtdeckIntegrationTest
class GuestDiskRequestsTest {

    private static final UUID ALPHA = UUID.fromString("11111111-1111-4111-8111-111111111111");

    @Autowired
    MockMvc mvc;
    @Autowired
    StorageGateway storageGateway;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;
    long alpha;
    long beta;
    long gamma;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("disk-requests-" + System.nanoTime(), TestHosts.smallHost());
        alpha = api.guestId(host, "alpha-web");
        beta = api.guestId(host, "beta-db");
        gamma = api.guestId(host, "gamma-build");
    }

    @Test
    void anExistingVolumeIsRefusedWhenUnknownOrAnotherGuestsDisk() throws Exception {
        String before = domainGateway.domainXml(host, ALPHA);
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"nope.qcow2\"}"), 400, "volume")
                .andExpect(jsonPath("$.message").value(containsString("nope.qcow2")));
        refused(post(alpha, "/disks", "{\"pool\":\"nope\",\"volume\":\"beta-db.qcow2\"}"), 400, "pool");
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"install.iso\"}"), 400, "volume");
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"beta-db.qcow2\",\"sizeMiB\":5}"), 400,
                "sizeMiB");
        // beta-db's disk, not marked shareable: refused, naming beta-db, whether shareable is asked or not
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"beta-db.qcow2\"}"), 409, "volume")
                .andExpect(jsonPath("$.message").value(containsString("'beta-db'")));
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"beta-db.qcow2\",\"shareable\":true}"), 409,
                "volume").andExpect(jsonPath("$.message").value(containsString("does not mark it shareable")));
        refused(post(alpha, "/disks", "{\"pool\":\"default\",\"volume\":\"alpha-web.qcow2\"}"), 409, "volume")
                .andExpect(jsonPath("$.message").value(containsString("already")));
        assertThat(domainGateway.domainXml(host, ALPHA)).isEqualTo(before);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.disk.add' AND object_name ="
                + " 'alpha-web' AND outcome = 'FAILURE' AND detail LIKE '%beta-db%'").query(Long.class).single())
                .as("the refusal is audited").isGreaterThanOrEqualTo(1);
    }

    @Test
    void theCdromIsRefusedWithoutADriveOrWithWhatIsNoImage() throws Exception {
        refused(post(alpha, "/cdrom/insert", "{\"pool\":\"default\",\"volume\":\"install.iso\"}"), 409, "target")
                .andExpect(jsonPath("$.message").value(containsString("no CD-ROM drive")));
        refused(post(alpha, "/cdrom/eject", "{}"), 409, "target");
        refused(post(gamma, "/cdrom/insert", "{\"pool\":\"default\",\"volume\":\"nope.iso\"}"), 400, "volume");
        refused(post(gamma, "/cdrom/insert", "{\"pool\":\"default\",\"volume\":\"beta-db.qcow2\"}"), 400, "volume");
        refused(post(gamma, "/cdrom/insert", "{\"pool\":\"nope\",\"volume\":\"install.iso\"}"), 400, "pool");
        refused(post(gamma, "/cdrom/insert", "{\"pool\":\"default\",\"volume\":\"install.iso\",\"target\":\"sdz\"}"),
                400, "target").andExpect(jsonPath("$.message").value(containsString("sda")));
        refused(post(beta, "/cdrom/eject", "{}"), 409, null); // paused: no device changes
    }

    @Test
    void aMoveIsRefusedToTheSamePoolToAPoolWithoutRoomAndForAPausedGuest() throws Exception {
        storageGateway.createPool(host, new PoolSpec.Dir("small", "/var/lib/libvirt/small"), false);
        long free = storageGateway.pools(host).stream().filter(p -> p.name().equals("small")).findFirst()
                .orElseThrow().availableMiB();
        storageGateway.createVolume(host, "small", new NewVolume("filler.raw", free - 1024, "raw"));
        List<String> before = volumes("small");

        refused(post(alpha, "/disks/vda/move", "{\"pool\":\"default\"}"), 400, "pool")
                .andExpect(jsonPath("$.message").value(containsString("already")));
        refused(post(alpha, "/disks/vda/move", "{\"pool\":\"small\"}"), 400, "pool")
                .andExpect(jsonPath("$.message").value(containsString("MiB free")));
        refused(post(alpha, "/disks/vda/move", "{\"pool\":\"nope\"}"), 400, "pool");
        refused(post(alpha, "/disks/vdq/move", "{\"pool\":\"small\"}"), 400, "target");
        refused(post(alpha, "/disks/VDA1/move", "{\"pool\":\"small\"}"), 400, "target");
        refused(post(alpha, "/disks/vda/move", "{\"pool\":\"small\",\"bandwidthMiBPerSecond\":0}"), 400,
                "bandwidthMiBPerSecond");
        refused(post(beta, "/disks/vda/move", "{\"pool\":\"small\"}"), 409, null)
                .andExpect(jsonPath("$.message").value(containsString("'beta-db' is paused")));
        assertThat(volumes("small")).as("no volume was made").isEqualTo(before);
        // other classes' moves share the database: none of this host's guests has one
        assertThat(com.jayway.jsonpath.JsonPath.<List<String>>read(api.getJson("/api/v1/tasks"),
                "$.items[?(@.type == 'guest.disk.move')].objectId"))
                .doesNotContain(Long.toString(alpha), Long.toString(beta), Long.toString(gamma));
    }

    private ResultActions post(long guest, String path, String json) throws Exception {
        return mvc.perform(api.post("/api/v1/guests/" + guest + path, json));
    }

    private static ResultActions refused(ResultActions answer, int status, String field) throws Exception {
        answer.andExpect(status().is(status));
        if (field != null) {
            answer.andExpect(jsonPath("$.field").value(field));
        }
        return answer;
    }

    private List<String> volumes(String pool) {
        return storageGateway.volumes(host, pool).stream().map(VolumeFacts::name).sorted().toList();
    }
}
