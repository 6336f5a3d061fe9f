package io.virtdeck.network;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * DHCP on a real libvirtd: tiny1's lease on lab1's NAT network `default` shows through Virtdeck's API with tiny1 named
 * as its guest; a static entry added through Virtdeck gives a NIC plugged in with its MAC address the static address;
 * NIC models and MAC addresses reach QEMU as asked. Everything made is taken away again, and tiny1 is left running or
 * shut off as it was found.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkLeasesLabTest {

    private static final String TINY1_MAC = "52:54:00:1a:b1:01";
    private static final String STATIC_MAC = "52:54:00:1a:b1:77";
    private static final String STATIC_IP = "192.168.150.77";

    @Autowired
    MockMvc mvc;

    private Api api;
    private long lab1;
    private long tiny1;
    private boolean tiny1WasRunning;
    private String leases;

    @BeforeAll
    void tiny1RunningOnLab1() throws Exception {
        api = new Api(mvc);
        Lab.tiny1BackOnLab1();
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        tiny1 = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "tiny1"), id -> id > 0);
        leases = "/api/v1/hosts/" + lab1 + "/networks/default/leases";
        tiny1WasRunning = Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running");
        if (!tiny1WasRunning) {
            String earlier = expiryOf(TINY1_MAC);
            long started = System.nanoTime();
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
            freshLeaseOf(TINY1_MAC, earlier);
            System.out.printf("[lab] tiny1 started; its lease shown by Virtdeck after %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    @AfterAll
    void tiny1AsFound() throws Exception {
        if (!tiny1WasRunning) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());
        }
    }

    @Test
    void tiny1sLeaseShowsWithTiny1AsItsGuest() throws Exception {
        long started = System.nanoTime();
        Map<String, Object> lease = freshLeaseOf(TINY1_MAC, null);
        System.out.printf("[lab] leases of lab1/default read through Virtdeck in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        assertThat(lease.get("guest")).isEqualTo("tiny1");
        assertThat(((Number) lease.get("guestId")).longValue()).isEqualTo(tiny1);
        assertThat((String) lease.get("ip")).startsWith("192.168.150.");
        assertThat(lease.get("family")).isEqualTo("ipv4");
        assertThat(lease.get("prefix")).isEqualTo(24);
        assertThat(lease.get("expiry")).isNotNull();
        assertThat(Lab.virsh(Lab.LAB1, "net-dhcp-leases", "default")).as("libvirt's own view")
                .contains(TINY1_MAC).contains((String) lease.get("ip"));
    }

    @Test
    void aStaticEntryGivesAPluggedNicItsAddress() throws Exception {
        String entries = "/api/v1/hosts/" + lab1 + "/networks/default/dhcp-hosts";
        long started = System.nanoTime();
        mvc.perform(api.post(entries, "{\"mac\":\"" + STATIC_MAC + "\",\"ip\":\"" + STATIC_IP
                + "\",\"name\":\"tiny1-static\"}")).andExpect(status().isCreated());
        assertThat(Lab.virsh(Lab.LAB1, "net-dumpxml", "default")).as("in the running network")
                .contains(STATIC_MAC).contains(STATIC_IP);
        assertThat(Lab.virsh(Lab.LAB1, "net-dumpxml", "--inactive", "default")).as("and in its definition")
                .contains(STATIC_MAC).contains(STATIC_IP);
        System.out.printf("[lab] static DHCP entry added live and persistent in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        try {
            // tiny1's kernel drives virtio NICs only (scripts/build-tiny-guest.sh), so this one is virtio
            String earlier = expiryOf(STATIC_MAC); // an earlier run's lease may still be unexpired
            long plugged = System.nanoTime();
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"default\",\"model\":\"virtio\","
                    + "\"mac\":\"" + STATIC_MAC + "\"}")).andExpect(status().isOk())
                    .andExpect(jsonPath("$.nics[?(@.mac == '" + STATIC_MAC + "')].model").value("virtio"));
            try {
                Map<String, Object> lease = freshLeaseOf(STATIC_MAC, earlier);
                System.out.printf("[lab] NIC %s plugged into tiny1; its static lease shown by Virtdeck after %d ms%n",
                        STATIC_MAC, (System.nanoTime() - plugged) / 1_000_000);
                assertThat(lease.get("ip")).isEqualTo(STATIC_IP);
                assertThat(lease.get("guest")).isEqualTo("tiny1");
                assertThat(mvc.perform(get("/guests/" + tiny1 + "/devices").with(user(Api.ADMIN).roles("ADMIN")))
                        .andReturn().getResponse().getContentAsString()).as("the Devices page shows the address")
                        .contains(STATIC_IP);
            } finally {
                mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + STATIC_MAC).with(httpBasic(Api.ADMIN,
                        Api.ADMIN_PASSWORD))).andExpect(status().isOk());
            }
        } finally {
            mvc.perform(delete(entries + "/" + STATIC_MAC).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andExpect(status().isNoContent());
        }
        assertThat(Lab.virsh(Lab.LAB1, "net-dumpxml", "--inactive", "default")).doesNotContain(STATIC_MAC);
        assertThat(Lab.virsh(Lab.LAB1, "net-dumpxml", "default")).doesNotContain(STATIC_MAC);
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).doesNotContain(STATIC_MAC);
    }

    @Test
    void aNicGetsTheModelAskedForAndAMacNoOtherNicHas() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"default\",\"mac\":\""
                        + TINY1_MAC.toUpperCase() + "\"}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("mac"));
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"default\","
                        + "\"model\":\"e1000e\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        List<String> made = JsonPath.read(body, "$.nics[?(@.model == 'e1000e')].mac");
        assertThat(made).hasSize(1);
        String mac = made.get(0);
        assertThat(mac).startsWith("52:54:00:").isNotEqualTo(TINY1_MAC);
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "tiny1"))
                .as("QEMU runs an e1000e card (PCI Express: a free root port of q35 takes it) with that address")
                .containsPattern("<mac address='" + mac + "'/>\\s*<source network='default'[^>]*/>(?s).*?"
                        + "<model type='e1000e'/>");
        mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + mac).with(httpBasic(Api.ADMIN,
                Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "tiny1")).doesNotContain(mac);

        // a conventional PCI card cannot be hot-plugged into q35 without a PCI bridge: libvirt refuses, nothing changes
        String before = Lab.virsh(Lab.LAB1, "dumpxml", "tiny1");
        var refused = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"network\":\"default\","
                + "\"model\":\"rtl8139\"}")).andReturn().getResponse();
        List<String> plugged = JsonPath.read(api.getJson("/api/v1/guests/" + tiny1), "$.nics[?(@.model == 'rtl8139')].mac");
        for (String left : plugged) {
            mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + left).with(httpBasic(Api.ADMIN,
                    Api.ADMIN_PASSWORD)));
        }
        System.out.println("[lab] rtl8139 into running tiny1: " + refused.getStatus() + " "
                + refused.getContentAsString());
        assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(409);
        assertThat(refused.getContentAsString()).contains("plug a virtio or e1000e NIC instead");
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "tiny1")).isEqualTo(before);
    }

    @Test
    void aNicStraightOnTheHostBridgeOfTheNetworkGetsALeaseThere() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"bridge\":\"virbr-nope\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("bridge"));
        long started = System.nanoTime();
        String body = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/nics", "{\"bridge\":\"virbr-lab1\"}"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String mac = JsonPath.<List<String>>read(body, "$.nics[?(@.type == 'bridge')].mac").get(0);
        try {
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "tiny1")).containsPattern("<interface type='bridge'>\\s*"
                    + "<mac address='" + mac + "'/>\\s*<source bridge='virbr-lab1'/>");
            // the bridge is the one `default` runs its DHCP server on: the NIC is leased an address from it
            Map<String, Object> lease = freshLeaseOf(mac, null);
            System.out.printf("[lab] NIC %s plugged straight onto bridge virbr-lab1; leased %s after %d ms%n", mac,
                    lease.get("ip"), (System.nanoTime() - started) / 1_000_000);
            assertThat(lease.get("guest")).isEqualTo("tiny1");
        } finally {
            mvc.perform(delete("/api/v1/guests/" + tiny1 + "/nics/" + mac).with(httpBasic(Api.ADMIN,
                    Api.ADMIN_PASSWORD))).andExpect(status().isOk());
        }
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "tiny1")).doesNotContain(mac);
    }

    /**
     * The lease of the NIC with {@code mac} as Virtdeck's API shows it, once there is one that expires later than
     * {@code earlierExpiry} (null: any): a lease handed out (or renewed) after that one, not an old one libvirt still
     * keeps. DHCP takes seconds.
     */
    private Map<String, Object> freshLeaseOf(String mac, String earlierExpiry) {
        List<Map<String, Object>> found = await().atMost(Duration.ofSeconds(60)).until(() -> leasesOf(mac),
                list -> !list.isEmpty() && (earlierExpiry == null
                        || Instant.parse((String) list.get(0).get("expiry")).isAfter(Instant.parse(earlierExpiry))));
        return found.get(0);
    }

    /** The expiry of the lease libvirt keeps for {@code mac}, or null when it keeps none. */
    private String expiryOf(String mac) {
        List<Map<String, Object>> found = leasesOf(mac);
        return found.isEmpty() ? null : (String) found.get(0).get("expiry");
    }

    private List<Map<String, Object>> leasesOf(String mac) {
        return JsonPath.read(api.getJson(leases), "$[?(@.mac == '" + mac + "')]");
    }
}
