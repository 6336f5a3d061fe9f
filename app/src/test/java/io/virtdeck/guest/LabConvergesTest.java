package io.virtdeck.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * `scripts/lab.sh up` converges: from an empty directory, every host's pool lists tiny1's disk and tiny1 migrates live
 * between the hosts through Virtdeck (on a fresh machine lab2's pool did not know the disk, and every migration
 * failed); after a run that was killed (daemons gone with their pid files, bridge and firewall rules left, tiny1 left on
 * lab2, a copy cut short in the shared directory), `up` gives the same lab again.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabConvergesTest {

    @Autowired
    MockMvc mvc;

    @Test
    @Order(1)
    void fromAnEmptyDirectoryEveryPoolListsTiny1sDiskAndTiny1MigratesLive() throws Exception {
        Lab.script("clean");
        assertThat(Lab.DIR.resolve("images")).doesNotExist();
        Lab.script("up");
        for (String uri : new String[] {Lab.LAB1, Lab.LAB2}) {
            assertThat(Lab.virsh(uri, "vol-list", "images")).as(uri).contains("tiny1.qcow2");
        }

        Api api = new Api(mvc);
        long lab1 = reachable(api, "lab1", Lab.LAB1);
        long lab2 = reachable(api, "lab2", Lab.LAB2);
        long tiny1 = api.guestId(lab1, "tiny1");
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        for (long target : new long[] {lab2, lab1}) {
            String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/migrate",
                            "{\"targetHostId\":" + target + ",\"unsafe\":true}")).andExpect(status().isAccepted())
                    .andReturn().getResponse().getContentAsString();
            String done = api.taskWhenDone(JsonPath.<Number>read(body, "$.id").longValue(), Duration.ofSeconds(90));
            assertThat(JsonPath.<String>read(done, "$.state")).as(done).isEqualTo("SUCCEEDED");
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
    }

    @Test
    @Order(2)
    void afterAKilledRunUpGivesTheSameLab() throws Exception {
        Lab.script("up");
        String firewall = labFirewallRules();
        Lab.virsh(Lab.LAB1, "destroy", "tiny1");
        assertThat(Lab.virsh(Lab.LAB1, "migrate", "tiny1", Lab.LAB2, "--offline", "--persistent", "--undefinesource",
                "--p2p")).doesNotContain("error");
        assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).contains("tiny1");
        Path cutShort = Lab.DIR.resolve("images/tiny1.qcow2.part");
        Files.write(cutShort, new byte[4096]);
        Path behindThePools = Lab.DIR.resolve("images/left-behind.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", behindThePools.toString(), "8M");
        java.util.List<String> kill = new java.util.ArrayList<>(java.util.List.of("kill", "-KILL"));
        Lab.daemons().forEach(pid -> kill.add(pid.toString()));
        run(kill.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(10)).until(Lab::daemons, java.util.Set::isEmpty);

        try {
            Lab.script("up");
            assertThat(Lab.daemons()).as("the daemons of both hosts").hasSize(2 * Lab.DAEMONS.size());
            assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).contains("tiny1");
            assertThat(Lab.virsh(Lab.LAB2, "list", "--all", "--name")).doesNotContain("tiny1");
            assertThat(cutShort).doesNotExist();
            for (String uri : new String[] {Lab.LAB1, Lab.LAB2}) {
                assertThat(Lab.virsh(uri, "vol-list", "images")).as(uri).contains("tiny1.qcow2")
                        .contains("left-behind.qcow2");
                assertThat(Lab.virsh(uri, "net-info", "default")).containsPattern("Active:\\s+yes");
            }
            assertThat(labFirewallRules()).as("the same firewall rules, none twice").isEqualTo(firewall);
        } finally {
            Files.deleteIfExists(behindThePools);
            Lab.virsh(Lab.LAB1, "pool-refresh", "images");
            Lab.virsh(Lab.LAB2, "pool-refresh", "images");
        }
    }

    /** The host as Virtdeck sees it once it answers calls again after the lab's restart. */
    private static long reachable(Api api, String name, String uri) throws Exception {
        long id = api.connectedHost(name, uri);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/v1/hosts/" + id + "/pools"),
                body -> body.contains("\"images\""));
        return id;
    }

    /** The lab's own lines of iptables-save (its bridges and subnets), sorted. */
    private static String labFirewallRules() throws Exception {
        return run("iptables-save").lines()
                .filter(line -> line.matches(".*(virbr-lab|192\\.168\\.15[01]\\.).*"))
                .map(line -> line.replaceAll("\\[\\d+:\\d+]", "")).sorted()
                .reduce("", (a, b) -> a + b + "\n");
    }
}
