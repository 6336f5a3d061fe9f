package io.virtdeck.migration;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Live migration with "copy storage" between hosts that share no disk: each lab host has a pool in a directory of
 * its own mount namespace (the same path, a different directory on each host), so the guest's disk must travel with
 * it. The guest has no OS: what matters is its disk.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationCopyStorageLabTest {

    /** Under /var/lib/libvirt/qemu, which the lab mounts privately for each host (scripts/lab.sh). */
    private static final String POOL_DIR = "/var/lib/libvirt/qemu/virtdeck-private";

    @Autowired
    MockMvc mvc;

    private Api api;
    private long lab2;
    private long guest;

    @BeforeAll
    void aGuestWithAPrivateDiskRunsOnLab1() throws Exception {
        api = new Api(mvc);
        for (String host : new String[] {Lab.LAB1, Lab.LAB2}) {
            cleanUp(host);
            if (!Lab.virsh(host, "pool-list", "--all", "--name").contains("private")) {
                Lab.virsh(host, "pool-define-as", "private", "dir", "--target", POOL_DIR);
                Lab.virsh(host, "pool-build", "private");
            }
            if (!Lab.virsh(host, "pool-list", "--name").contains("private")) {
                Lab.virsh(host, "pool-start", "private");
            }
        }
        Lab.virsh(Lab.LAB1, "vol-create-as", "private", "copy1.qcow2", "32M", "--format", "qcow2");
        Lab.defineDiskOnlyGuest(Lab.LAB1, "copy1", "private", "copy1.qcow2");
        Lab.virsh(Lab.LAB1, "start", "copy1");
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        guest = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "copy1"), id -> id > 0);
    }

    @AfterAll
    void removeIt() {
        cleanUp(Lab.LAB1);
        cleanUp(Lab.LAB2);
    }

    @Test
    void theDiskTravelsWithTheGuest() throws Exception {
        assertThat(Lab.virsh(Lab.LAB2, "vol-list", "private")).as("lab2's own directory").doesNotContain("copy1");
        String body = mvc.perform(api.post("/api/v1/guests/" + guest + "/migrate",
                        "{\"targetHostId\":" + lab2 + ",\"copyStorage\":true}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
        long task = ((Number) JsonPath.read(body, "$.id")).longValue();
        String done = await().atMost(Duration.ofSeconds(120)).until(() -> api.getJson("/api/v1/tasks/" + task),
                json -> !java.util.List.of("QUEUED", "RUNNING").contains(JsonPath.<String>read(json, "$.state")));
        assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        System.out.printf("[lab] copy-storage migration: %s%n", JsonPath.<String>read(done, "$.message"));
        assertThat(Lab.virsh(Lab.LAB2, "domstate", "copy1").trim()).isEqualTo("running");
        assertThat(Lab.virsh(Lab.LAB2, "vol-list", "private")).as("the disk was copied into lab2's directory")
                .contains("copy1.qcow2");
        assertThat(JsonPath.<Number>read(api.getJson("/api/v1/guests/" + guest), "$.hostId").longValue())
                .isEqualTo(lab2);
    }

    private static void cleanUp(String host) {
        String domains = Lab.virsh(host, "list", "--all", "--name");
        if (domains.contains("copy1")) {
            if (Lab.virsh(host, "domstate", "copy1").trim().equals("running")) {
                Lab.virsh(host, "destroy", "copy1");
            }
            Lab.virsh(host, "undefine", "copy1");
        }
        if (Lab.virsh(host, "pool-list", "--name").contains("private")
                && Lab.virsh(host, "vol-list", "private").contains("copy1.qcow2")) {
            Lab.virsh(host, "vol-delete", "--pool", "private", "copy1.qcow2");
        }
    }
}
