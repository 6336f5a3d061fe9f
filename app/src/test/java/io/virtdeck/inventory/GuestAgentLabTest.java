package io.virtdeck.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * qemu-guest-agent on a real libvirtd + QEMU: the Debian guest debian12 (scripts/build-debian-guest.sh) is started
 * through Virtdeck and within 90 s its agent answers through GET /api/v1/guests/{id} with the address libvirt's DHCP
 * server leased it, its hostname, OS and file systems; the guest list's search then finds it by that address. A guest
 * without an agent channel says "not configured"; a tiny guest with a channel but no agent inside never holds its page
 * or its API answer. Guests are left shut off, the tiny one undefined.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAgentLabTest {

    private static final String DEBIAN_MAC = "52:54:00:1a:d1:12";
    private static final String SILENT = "tiny-no-agent";
    private static final Pattern IPV4 = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)/\\d+");

    @Autowired
    MockMvc mvc;

    private Api api;
    private long lab1;

    @BeforeAll
    void debianOnLab1() throws Exception {
        long started = System.nanoTime();
        Lab.debian();
        System.out.printf("[lab] debian12 ready on lab1 (built or cached) after %d s%n",
                (System.nanoTime() - started) / 1_000_000_000);
        api = new Api(mvc);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
    }

    @AfterAll
    void shutOffAndTidy() {
        Lab.virsh(Lab.LAB1, "destroy", "debian12");
        Lab.virsh(Lab.LAB1, "destroy", SILENT);
        Lab.virsh(Lab.LAB1, "undefine", SILENT);
    }

    @Test
    void debianBootsAndItsAgentTellsItsLeasedAddressHostnameAndOs() throws Exception {
        long debian = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "debian12"), id -> id > 0);
        Lab.virsh(Lab.LAB1, "destroy", "debian12"); // a run killed earlier may have left it running
        long started = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + debian + "/actions/start", "")).andExpect(status().isOk());
        String guest = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .until(() -> api.getJson("/api/v1/guests/" + debian), json -> "ANSWERING".equals(
                        JsonPath.read(json, "$.agent.state")) && !JsonPath.<List<?>>read(json,
                        "$.agent.nics[*].addresses[?(@.family == 'ipv4')]").isEmpty());
        System.out.printf("[lab] debian12 started; its agent answered with an IPv4 address after %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        List<String> addresses = JsonPath.read(guest, "$.agent.nics[*].addresses[?(@.family == 'ipv4')].address");
        List<String> leased = leasesOf(DEBIAN_MAC);
        assertThat(addresses).as("the agent's IPv4 addresses against libvirt's leases %s", leased).hasSize(1);
        assertThat(leased).contains(addresses.get(0));
        assertThat(JsonPath.<List<String>>read(guest, "$.agent.nics[*].mac")).contains(DEBIAN_MAC);
        assertThat(JsonPath.<String>read(guest, "$.agent.hostname")).isEqualTo("virtdeck-debian");
        assertThat(JsonPath.<String>read(guest, "$.agent.osName")).startsWith("Debian GNU/Linux 12");
        assertThat(JsonPath.<String>read(guest, "$.agent.version")).matches("\\d+\\.\\d+.*");
        assertThat(JsonPath.<String>read(guest, "$.agent.answeredAt")).isNotBlank();
        Map<String, Object> root = JsonPath.<List<Map<String, Object>>>read(guest,
                "$.agent.fileSystems[?(@.mountpoint == '/')]").get(0);
        long used = ((Number) root.get("usedBytes")).longValue();
        long total = ((Number) root.get("totalBytes")).longValue();
        assertThat(root.get("type")).isEqualTo("ext4");
        assertThat(used).isPositive().isLessThan(total);
        assertThat(total).isGreaterThan(1_500_000_000L); // the 2 GiB disk's one partition

        String address = addresses.get(0);
        String found = api.getJson("/api/v1/guests?q=" + address);
        assertThat(JsonPath.<List<String>>read(found, "$.items[*].name")).containsExactly("debian12");
        assertThat(JsonPath.<List<String>>read(found, "$.items[*].firstAddress")).containsExactly(address);
        String page = mvc.perform(get("/guests").param("q", address).with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains(">debian12<").contains(">" + address + "<");
        String card = mvc.perform(get("/guests/" + debian + "/agent").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(card).contains("Answering").contains("virtdeck-debian").contains(address);

        // the guest told to ignore the ACPI power button (systemd-logind), through its agent: Shutdown cannot reach
        // it, a shutdown through the agent can
        String exec = Lab.virsh(Lab.LAB1, "qemu-agent-command", "debian12", "--timeout", "10", """
                {"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c","mkdir -p /etc/systemd/logind.conf.d \
                && printf '[Login]\\nHandlePowerKey=ignore\\n' >/etc/systemd/logind.conf.d/ignore.conf \
                && systemctl restart systemd-logind"]}}""");
        assertThat(exec).contains("\"pid\"");
        Thread.sleep(5_000); // logind restarting
        mvc.perform(api.post("/api/v1/guests/" + debian + "/actions/shutdown", "")).andExpect(status().isOk());
        Thread.sleep(15_000);
        assertThat(Lab.virsh(Lab.LAB1, "domstate", "debian12").trim()).as("ACPI button ignored").isEqualTo("running");
        started = System.nanoTime();
        // on a slow emulated guest the agent may still be busy after the exec above and miss its 3 s (409, "does not
        // answer"): the shutdown is asked again, as a person would, until the agent takes it (or the late answer to
        // an earlier ask has the guest going down already)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(3)).until(() -> mvc.perform(
                api.post("/api/v1/guests/" + debian + "/actions/shutdown?agent=true", "")).andReturn()
                .getResponse().getStatus() == 200
                || !Lab.virsh(Lab.LAB1, "domstate", "debian12").trim().equals("running"));
        await().atMost(Duration.ofSeconds(60)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + debian),
                "$.state"), "SHUTOFF"::equals);
        System.out.printf("[lab] debian12, deaf to the ACPI button, shut down through its agent in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        String off = api.getJson("/api/v1/guests/" + debian);
        assertThat(JsonPath.<String>read(off, "$.agent.state")).isEqualTo("NOT_RUNNING");
        assertThat(JsonPath.<String>read(off, "$.agent.answeredAt")).isNotBlank(); // the last answer, kept
    }

    @Test
    void aGuestWithoutAgentChannelSaysNotConfigured() throws Exception {
        long tiny1 = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, "tiny1"), id -> id > 0);
        String guest = api.getJson("/api/v1/guests/" + tiny1);
        assertThat(JsonPath.<String>read(guest, "$.agent.state")).isEqualTo("NOT_CONFIGURED");
        String card = mvc.perform(get("/guests/" + tiny1 + "/agent").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(card).contains("Not configured");
    }

    @Test
    void aSilentAgentHoldsNeitherThePageNorTheApi() throws Exception {
        defineTinyWithAgentChannel();
        Lab.virsh(Lab.LAB1, "start", SILENT);
        long silent = await().atMost(Duration.ofSeconds(30)).until(() -> api.guestId(lab1, SILENT), id -> id > 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + silent),
                "$.state"), "RUNNING"::equals);
        Lab.consoleAnswers(Lab.LAB1, SILENT); // booted
        // the page's templates rendered once, so that what is timed below is the page, not their first compilation
        mvc.perform(get("/guests/" + silent).with(user("admin").roles("ADMIN"))).andExpect(status().isOk());
        // nothing has the agent's port open: libvirt knows, and no one waits
        assertNotAnsweringQuickly(silent, "disconnected");
        // a process that opens the port and never answers: libvirt's view is "connected", an agent that is silent
        Lab.consoleRuns(Lab.LAB1, SILENT, "for p in /dev/vport*; do sleep 3600 <>$p & done");
        await().atMost(Duration.ofSeconds(10)).until(() -> Lab.virsh(Lab.LAB1, "dumpxml", SILENT),
                xml -> xml.contains("state='connected'"));
        assertNotAnsweringQuickly(silent, "connected but silent");
    }

    private void assertNotAnsweringQuickly(long guestId, String channel) throws Exception {
        long started = System.nanoTime();
        String guest = api.getJson("/api/v1/guests/" + guestId);
        long apiMillis = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        mvc.perform(get("/guests/" + guestId).with(user("admin").roles("ADMIN"))).andExpect(status().isOk());
        long pageMillis = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        String card = mvc.perform(get("/guests/" + guestId + "/agent").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        long cardMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("[lab] agent channel %s: API answer in %d ms, guest page in %d ms, agent card in %d ms%n",
                channel, apiMillis, pageMillis, cardMillis);
        assertThat(JsonPath.<String>read(guest, "$.agent.state")).isEqualTo("NOT_ANSWERING");
        assertThat(JsonPath.<String>read(guest, "$.agent.problem")).isNotBlank();
        assertThat(card).contains("Not answering");
        assertThat(pageMillis).as("the guest page never asks the agent").isLessThan(2_000);
        assertThat(apiMillis).isLessThan(6_000);
        assertThat(cardMillis).isLessThan(6_000);
    }

    /** tiny1's kernel and initramfs (no agent inside), no disk, and the qemu-guest-agent channel. */
    private static void defineTinyWithAgentChannel() throws IOException {
        Path tiny = Lab.DIR.resolve("tiny");
        Path xml = Files.createTempFile(SILENT, ".xml");
        try {
            Files.writeString(xml, """
                    <domain type='qemu'>
                      <name>%s</name>
                      <memory unit='MiB'>128</memory>
                      <vcpu>1</vcpu>
                      <os>
                        <type arch='x86_64' machine='q35'>hvm</type>
                        <kernel>%s</kernel>
                        <initrd>%s</initrd>
                        <cmdline>console=ttyS0 quiet</cmdline>
                      </os>
                      <features><acpi/></features>
                      <devices>
                        <serial type='pty'/>
                        <console type='pty'/>
                        <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
                      </devices>
                    </domain>
                    """.formatted(SILENT, tiny.resolve("vmlinuz"), tiny.resolve("initrd.img")));
            Lab.virsh(Lab.LAB1, "define", xml.toString());
        } finally {
            Files.delete(xml);
        }
    }

    /** The IPv4 addresses libvirt's DHCP server on lab1's `default` leased to the MAC (virsh net-dhcp-leases). */
    private static List<String> leasesOf(String mac) {
        Matcher matcher = IPV4.matcher(Lab.virsh(Lab.LAB1, "net-dhcp-leases", "default", "--mac", mac));
        List<String> addresses = new java.util.ArrayList<>();
        while (matcher.find()) {
            addresses.add(matcher.group(1));
        }
        return addresses;
    }
}
