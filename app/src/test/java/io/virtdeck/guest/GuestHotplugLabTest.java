package io.virtdeck.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Hot-plug for real: a new disk and a NIC go into running tiny1 on the lab and out again, and the guest's own kernel
 * sees each come and go (asked through its serial console); the new NIC gets a DHCP lease from the lab's network, and
 * from a NAT network Virtdeck makes.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestHotplugLabTest {

    private static final Path CONSOLE_LOG = Lab.DIR.resolve("tiny1-console.log");

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    private Api api;
    private long lab1;
    private long tiny1;

    @BeforeAll
    void tiny1RunningOnLab1() throws Exception {
        api = new Api(mvc);
        Lab.tiny1BackOnLab1();
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        api.hostIdOrRegister("lab2", Lab.LAB2);
        tiny1 = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "tiny1"), id -> id > 0);
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
    }

    @Test
    void aDiskGoesInGrowsAndGoesOutOfTheRunningGuest() throws Exception {
        long started = System.nanoTime();
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks",
                        "{\"pool\":\"images\",\"sizeMiB\":64,\"format\":\"qcow2\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<Map<String, String>> disks = JsonPath.read(body, "$.disks[?(@.target == 'vdb')]");
        assertThat(disks).as(body).hasSize(1);
        String volume = Path.of(disks.get(0).get("source")).getFileName().toString();
        // the guest's kernel sees a 64 MiB disk: 131072 sectors of 512 bytes
        guestSays("echo vdb-size-$(cat /sys/block/vdb/size)", "vdb-size-131072");
        System.out.printf("[lab] disk plugged into tiny1 and seen by its kernel after %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        // grown while the guest runs: its kernel sees 96 MiB (196608 sectors) at once; shrinking is refused
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vdb/grow", "{\"sizeMiB\":96}"))
                .andExpect(status().isOk());
        guestSays("echo vdb-grown-$(cat /sys/block/vdb/size)", "vdb-grown-196608");
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks/vdb/grow", "{\"sizeMiB\":32}"))
                .andExpect(status().isBadRequest());
        assertThat(Api.audited(jdbc, "guest.disk.grow", "tiny1")).isGreaterThanOrEqualTo(1);

        mvc.perform(delete("/api/v1/guests/" + tiny1 + "/disks/vdb").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk());
        guestSays("echo vdb-count-$(ls /sys/block | grep -c vdb)", "vdb-count-0");
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).as("gone from its definition too")
                .doesNotContain(volume);
        Lab.virsh(Lab.LAB1, "vol-delete", "--pool", "images", volume);
        assertThat(Api.audited(jdbc, "guest.disk.add", "tiny1")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aNicGoesInGetsALeaseAndGoesOut() throws Exception {
        long started = System.nanoTime();
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"default\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<String> macs = JsonPath.read(body, "$.nics[*].mac");
        assertThat(macs).hasSize(2);
        String mac = macs.stream().filter(m -> !m.equals("52:54:00:1a:b1:01")).findFirst().orElseThrow();
        guestSays("echo nics-$(ls /sys/class/net | grep -c eth)", "nics-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> Lab.virsh(Lab.LAB1, "net-dhcp-leases", "default"),
                leases -> leases.contains(mac));
        System.out.printf("[lab] NIC %s plugged into tiny1 and leased an address after %d ms%n", mac,
                (System.nanoTime() - started) / 1_000_000);

        mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + mac).with(httpBasic(Api.ADMIN,
                Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        guestSays("echo nics-$(ls /sys/class/net | grep -c eth)", "nics-1");
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).doesNotContain(mac);
    }

    @Test
    void aNatNetworkMadeThroughVirtdeckGivesAPluggedNicALease() throws Exception {
        String networks = "/api/v1/hosts/" + lab1 + "/networks";
        mvc.perform(delete(networks + "/vd-nat").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))); // an earlier run's
        mvc.perform(api.post(networks, "{\"name\":\"vd-nat\",\"mode\":\"nat\",\"bridge\":\"virbr-vdnat\","
                        + "\"ipv4\":{\"address\":\"192.168.171.1\",\"prefix\":24,\"dhcpStart\":\"192.168.171.50\","
                        + "\"dhcpEnd\":\"192.168.171.99\"}}"))
                .andExpect(status().isCreated());
        assertThat(Lab.virsh(Lab.LAB1, "net-info", "vd-nat")).contains("Active:         yes");
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"vd-nat\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String mac = JsonPath.<List<String>>read(body, "$.nics[?(@.source == 'vd-nat')].mac").get(0);
        String leases = await().atMost(Duration.ofSeconds(30)).until(() -> Lab.virsh(Lab.LAB1, "net-dhcp-leases",
                "vd-nat"), text -> text.contains(mac));
        assertThat(leases).as("an address from the range Virtdeck gave the network").contains("192.168.171.");
        mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + mac).with(httpBasic(Api.ADMIN,
                Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        mvc.perform(delete(networks + "/vd-nat").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());
        assertThat(Lab.virsh(Lab.LAB1, "net-list", "--all", "--name")).doesNotContain("vd-nat");
    }

    /** Runs a command on tiny1's serial console and waits for its output in the console's log. */
    private static void guestSays(String command, String expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Lab.consoleRuns(Lab.LAB1, "tiny1", command + " >/dev/ttyS0");
            return log();
        }, text -> text.contains(expected));
    }

    private static String log() {
        try {
            return Files.readString(CONSOLE_LOG, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
