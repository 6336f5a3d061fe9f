package io.virtdeck.guest.snapshot;

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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A snapshot of the lab's running Debian guest (real QEMU, qemu-guest-agent inside): its file systems are frozen
 * through the agent for the moment of the snapshot and the answer says so with the count; the agent says they are
 * thawed right after; a revert to that snapshot, whose memory holds the frozen state, thaws them again and says so.
 * debian12 is left shut off, without snapshots.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestSnapshotFreezeLabTest {

    private static final String SNAPSHOT = "lab-frozen";

    @Autowired
    MockMvc mvc;

    Api api;
    long lab1;
    long debian;

    @BeforeAll
    void debianOnLab1() throws Exception {
        api = new Api(mvc);
        Api.LabGuest debian12 = api.debian12();
        lab1 = debian12.hostId();
        debian = debian12.guestId();
        shutOffWithoutSnapshots(); // a run killed earlier may have left it running, or a snapshot behind
    }

    @AfterAll
    void shutOffWithoutSnapshots() {
        Lab.virsh(Lab.LAB1, "destroy", "debian12");
        for (String name : Lab.virsh(Lab.LAB1, "snapshot-list", "debian12", "--name").split("\\s+")) {
            if (!name.isBlank()) {
                Lab.virsh(Lab.LAB1, "snapshot-delete", "debian12", name);
            }
        }
    }

    @Test
    void aSnapshotOfRunningDebianFreezesItsFileSystemsAndARevertThawsThem() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + debian + "/actions/start", "")).andExpect(status().isOk());
        long booting = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + debian), "$.agent.state"),
                        "ANSWERING"::equals);
        System.out.printf("[lab] debian12 started, its agent answering after %d ms%n", millisSince(booting));
        assertThat(freezeStatus()).as("before the snapshot").contains("thawed");

        long taking = System.nanoTime();
        String taken = mvc.perform(api.post("/api/v1/guests/" + debian + "/snapshots",
                        "{\"name\":\"" + SNAPSHOT + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long takeMillis = millisSince(taking);
        String consistency = JsonPath.read(taken, "$.consistency");
        System.out.printf("[lab] snapshot of running debian12 (freeze, snapshot with memory, thaw) in %d ms: %s%n",
                takeMillis, consistency);
        assertThat(JsonPath.<Boolean>read(taken, "$.withMemory")).isTrue();
        assertThat(JsonPath.<Integer>read(taken, "$.fileSystemsFrozen")).isPositive();
        assertThat(consistency).startsWith("file systems frozen (" + JsonPath.read(taken, "$.fileSystemsFrozen")
                + ") by the guest agent for the snapshot").endsWith(", thawed after");
        assertThat(freezeStatus()).as("right after the snapshot, from inside").contains("thawed");

        // the snapshot's memory holds the guest frozen: the revert brings that back, and thaws it
        long reverting = System.nanoTime();
        String reverted = mvc.perform(api.post("/api/v1/guests/" + debian + "/snapshots/" + SNAPSHOT + "/revert",
                "")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String thaw = JsonPath.read(reverted, "$.thaw");
        System.out.printf("[lab] revert of running debian12 with the thaw in %d ms: %s%n", millisSince(reverting),
                thaw);
        assertThat(JsonPath.<String>read(reverted, "$.state")).isEqualTo("RUNNING");
        assertThat(thaw).matches("file systems thawed \\(\\d+\\) by the guest agent after the revert");
        assertThat(freezeStatus()).as("after the revert, from inside").contains("thawed");

        mvc.perform(delete("/api/v1/guests/" + debian + "/snapshots/" + SNAPSHOT)
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        assertThat(Lab.virsh(Lab.LAB1, "snapshot-list", "debian12", "--name")).isBlank();
    }

    private static String freezeStatus() {
        return Lab.virsh(Lab.LAB1, "qemu-agent-command", "debian12", "--timeout", "10",
                "{\"execute\":\"guest-fsfreeze-status\"}");
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
