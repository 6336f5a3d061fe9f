package io.virtdeck.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The lab's two hosts share one directory as their pool `images`, as hosts share an NFS export: a volume made through
 * one host is listed by the other only after that one refreshes its pool. Virtdeck keeps them in step: a volume made
 * or deleted through lab1 reaches lab2's pool without anyone refreshing it by hand, a guest whose volume only lab1's
 * pool knows still migrates to lab2, and a volume lab2 really lacks is a 409 naming it before anything starts.
 * (`virsh vol-list` reads a pool's list as it is, without refreshing it.)
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedPoolsLabTest {

    @Autowired
    MockMvc mvc;

    private Api api;
    private long lab1;
    private long lab2;

    @BeforeAll
    void labHosts() throws Exception {
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
    }

    @Test
    void aVolumeMadeOrDeletedThroughOneHostReachesTheOtherHostsPool() throws Exception {
        String volumes = "/api/v1/hosts/" + lab1 + "/pools/images/volumes";
        mvc.perform(api.post(volumes, "{\"name\":\"shared-made.qcow2\",\"sizeMiB\":8,\"format\":\"qcow2\"}"))
                .andExpect(status().isCreated());
        await().atMost(Duration.ofSeconds(10)).until(() -> Lab.virsh(Lab.LAB2, "vol-list", "images"),
                list -> list.contains("shared-made.qcow2"));

        mvc.perform(delete(volumes + "/shared-made.qcow2").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        await().atMost(Duration.ofSeconds(10)).until(() -> Lab.virsh(Lab.LAB2, "vol-list", "images"),
                list -> !list.contains("shared-made.qcow2"));
    }

    @Test
    void aGuestWhoseVolumeOnlyItsHostsPoolKnowsMigratesLive() throws Exception {
        // a disk put into the shared directory behind both pools, then seen by lab1's pool only
        Path disk = Lab.DIR.resolve("images/shared-live.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "16M");
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        assertThat(Lab.virsh(Lab.LAB2, "vol-list", "images")).as("lab2's pool is behind")
                .doesNotContain("shared-live.qcow2");
        Lab.defineDiskOnlyGuest(Lab.LAB1, "shared-live", "images", "shared-live.qcow2");
        try {
            String said = Lab.virsh(Lab.LAB1, "start", "shared-live");
            assertThat(Lab.virsh(Lab.LAB1, "domstate", "shared-live").trim()).as(said).isEqualTo("running");
            long guest = api.guestId(lab1, "shared-live");
            long task = taskOf(mvc.perform(api.post("/api/v1/guests/" + guest + "/migrate",
                            "{\"targetHostId\":" + lab2 + ",\"unsafe\":true}")).andExpect(status().isAccepted())
                    .andReturn().getResponse().getContentAsString());
            String done = api.taskWhenDone(task, Duration.ofSeconds(90));
            assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
            assertThat(Lab.virsh(Lab.LAB2, "domstate", "shared-live").trim()).isEqualTo("running");
            assertThat(Lab.virsh(Lab.LAB2, "vol-list", "images")).contains("shared-live.qcow2");
        } finally {
            for (String uri : new String[] {Lab.LAB1, Lab.LAB2}) {
                Lab.virsh(uri, "destroy", "shared-live");
                Lab.virsh(uri, "undefine", "shared-live");
            }
            Files.deleteIfExists(disk);
        }
    }

    @Test
    void aVolumeTheTargetLacksIsRefusedNamingItBeforeAnythingStarts() throws Exception {
        // a pool `solo` of the same name on both hosts, over two different directories: not shared
        for (long host : new long[] {lab1, lab2}) {
            mvc.perform(api.post("/api/v1/hosts/" + host + "/pools", "{\"name\":\"solo\",\"type\":\"dir\",\"path\":\""
                    + Lab.DIR.resolve("solo-" + host) + "\",\"build\":true}")).andExpect(status().isCreated());
        }
        try {
            mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/pools/solo/volumes",
                    "{\"name\":\"solo-disk.qcow2\",\"sizeMiB\":8,\"format\":\"qcow2\"}")).andExpect(status().isCreated());
            Lab.defineDiskOnlyGuest(Lab.LAB1, "solo-guest", "solo", "solo-disk.qcow2");
            long guest = api.guestId(lab1, "solo-guest");
            long tasksBefore = tasks();
            mvc.perform(api.post("/api/v1/guests/" + guest + "/migrate", "{\"targetHostId\":" + lab2 + "}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(
                            "volume 'solo-disk.qcow2' of pool 'solo' is not on host 'lab2'")));
            assertThat(tasks()).as("no task started").isEqualTo(tasksBefore);
            assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("solo-guest");
            assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).contains("solo-guest");
        } finally {
            Lab.virsh(Lab.LAB1, "undefine", "solo-guest");
            Lab.virsh(Lab.LAB1, "vol-delete", "solo-disk.qcow2", "--pool", "solo");
            for (String uri : new String[] {Lab.LAB1, Lab.LAB2}) {
                Lab.virsh(uri, "pool-destroy", "solo");
                Lab.virsh(uri, "pool-delete", "solo");
                Lab.virsh(uri, "pool-undefine", "solo");
            }
        }
    }

    private static long taskOf(String json) {
        return JsonPath.<Number>read(json, "$.id").longValue();
    }

    private long tasks() {
        return JsonPath.<Number>read(api.getJson("/api/v1/tasks?size=1"), "$.total").longValue();
    }
}
