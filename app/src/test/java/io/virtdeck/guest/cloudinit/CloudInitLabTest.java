package io.virtdeck.guest.cloudinit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * cloud-init on real libvirtd + QEMU with the Debian guest: two guests made from the debian12 template with settings
 * (host names web-1 and web-2, a user with one SSH key) boot as themselves. Checked from inside through the guest
 * agent, never over the network: their host names, distinct machine-ids and SSH host keys (debian12 was booted
 * before, so a plain copy would share its own), and the key in the user's authorized_keys. Then new settings for a
 * shut-off guest replace its seed, and deleting the guests deletes their seeds. debian12 is left as it was.
 */
@VirtdeckIntegrationTest
@UsesLab
class CloudInitLabTest {

    private static final String KEY = CloudInitChecksTest.KEY;
    private static final List<String> GUESTS = List.of("web-1", "web-2");

    @Autowired
    MockMvc mvc;

    @Test
    void twoGuestsFromTheDebianTemplateComeUpAsThemselves() throws Exception {
        Api api = new Api(mvc);
        Api.LabGuest debian12 = api.debian12();
        long lab1 = debian12.hostId();
        long template = debian12.guestId();
        GUESTS.forEach(CloudInitLabTest::removeLeftover);
        Lab.virsh(Lab.LAB1, "destroy", "debian12"); // a run killed earlier may have left it running
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + template),
                "$.state"), "SHUTOFF"::equals);
        mvc.perform(api.put("/api/v1/guests/" + template + "/template", "")).andExpect(status().isOk());
        try {
            for (String name : GUESTS) {
                api.succeeded(mvc.perform(api.post("/api/v1/hosts/" + lab1 + "/guests", """
                        {"name":"%s","template":"debian12","linked":true,
                         "cloudInit":{"hostname":"%s","user":"ops","sshKeys":["%s"]}}""".formatted(name, name, KEY))),
                        Duration.ofMinutes(2));
            }
            long started = System.nanoTime();
            for (String name : GUESTS) {
                long id = api.guestId(lab1, name);
                assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", name)).contains("device='cdrom'",
                        "bus='scsi'", "volume='" + name + "-cidata-");
                mvc.perform(api.post("/api/v1/guests/" + id + "/actions/start", "")).andExpect(status().isOk());
            }
            List<String> inside = GUESTS.stream().map(name -> agentRuns(name, "cloud-init status --wait >/dev/null;"
                    + " hostname; cat /etc/machine-id; ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub;"
                    + " cat /home/ops/.ssh/authorized_keys; cloud-init query instance-id;"
                    // what to read when a check below fails: cloud-init's own account, and the seed's CD-ROM
                    + " echo ---; cloud-init status --long 2>&1; ls -l /dev/sr0 2>&1")).toList();
            System.out.printf("[lab] web-1 and web-2 from the debian12 template: cloud-init done in both %d s after"
                    + " their start%n", (System.nanoTime() - started) / 1_000_000_000);
            for (int i = 0; i < GUESTS.size(); i++) {
                String[] lines = inside.get(i).split("\n---\n")[0].split("\n");
                assertThat(lines[0]).as(inside.get(i)).isEqualTo(GUESTS.get(i));
                assertThat(inside.get(i)).contains(KEY);
                long id = api.guestId(lab1, GUESTS.get(i));
                String instance = JsonPath.read(api.getJson("/api/v1/guests/" + id + "/cloud-init"), "$.instanceId");
                assertThat(lines[lines.length - 1]).as("the seed's instance id").isEqualTo(instance);
                String agentHostname = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
                        () -> JsonPath.read(api.getJson("/api/v1/guests/" + id), "$.agent.hostname"),
                        GUESTS.get(i)::equals);
                assertThat(agentHostname).isEqualTo(GUESTS.get(i));
            }
            String[] first = inside.get(0).split("\n---\n")[0].split("\n");
            String[] second = inside.get(1).split("\n---\n")[0].split("\n");
            assertThat(first[1]).as("machine-ids").matches("[0-9a-f]{32}").isNotEqualTo(second[1]);
            assertThat(first[2]).as("SSH host keys").startsWith("256 SHA256:").isNotEqualTo(second[2]);

            // new settings while shut off: a new seed replaces the old in the CD-ROM
            long web1 = api.guestId(lab1, "web-1");
            mvc.perform(api.post("/api/v1/guests/" + web1 + "/actions/poweroff", "")).andExpect(status().isOk());
            String before = JsonPath.read(api.getJson("/api/v1/guests/" + web1 + "/cloud-init"), "$.seed");
            mvc.perform(api.put("/api/v1/guests/" + web1 + "/cloud-init", """
                    {"hostname":"web-one","user":"ops","sshKeys":["%s"]}""".formatted(KEY))).andExpect(status().isOk());
            String after = JsonPath.read(api.getJson("/api/v1/guests/" + web1 + "/cloud-init"), "$.seed");
            assertThat(after).isNotEqualTo(before);
            String volumes = Lab.virsh(Lab.LAB1, "vol-list", "images");
            assertThat(volumes).contains(after.substring(after.indexOf('/') + 1))
                    .doesNotContain(before.substring(before.indexOf('/') + 1));
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "web-1")).contains(after.substring(
                    after.indexOf('/') + 1));
        } finally {
            for (String name : GUESTS) {
                Lab.virsh(Lab.LAB1, "destroy", name);
                Long id = idOrNull(api, lab1, name);
                if (id != null) {
                    mvc.perform(api.delete("/api/v1/guests/" + id + "?deleteDisks=true")).andExpect(status().isOk());
                }
            }
            mvc.perform(api.delete("/api/v1/guests/" + template + "/template")).andExpect(status().isOk());
        }
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).as("seeds and disks deleted with their guests")
                .doesNotContain("web-1", "web-2");
    }

    /**
     * Runs a shell command inside the guest through its agent (guest-exec, through libvirt) once the agent answers,
     * and returns what it printed.
     */
    private static String agentRuns(String domain, String command) {
        String started = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3))
                .until(() -> Lab.virsh(Lab.LAB1, "qemu-agent-command", domain, "--timeout", "5", """
                        {"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c",%s],"capture-output":true}}"""
                        .formatted(jsonString(command))), answer -> answer.contains("\"pid\""));
        Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(started);
        assertThat(pid.find()).as(started).isTrue();
        String status = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2))
                .until(() -> Lab.virsh(Lab.LAB1, "qemu-agent-command", domain, "--timeout", "5",
                        "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid.group(1) + "}}"),
                        answer -> answer.contains("\"exited\":true"));
        Matcher out = Pattern.compile("\"out-data\":\"([^\"]*)\"").matcher(status);
        assertThat(out.find()).as(status).isTrue();
        return new String(Base64.getDecoder().decode(out.group(1)), StandardCharsets.UTF_8).trim();
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Long idOrNull(Api api, long hostId, String name) {
        List<Number> ids = JsonPath.read(api.getJson("/api/v1/guests?host=" + hostId + "&q=" + name),
                "$.items[?(@.name == '" + name + "')].id");
        return ids.isEmpty() ? null : ids.get(0).longValue();
    }

    /** What a run killed earlier left: the guest and its volumes, removed outside Virtdeck. */
    private static void removeLeftover(String name) {
        Lab.virsh(Lab.LAB1, "destroy", name);
        Lab.virsh(Lab.LAB1, "undefine", name);
        for (String line : Lab.virsh(Lab.LAB1, "vol-list", "images").split("\n")) {
            String volume = line.trim().split("\\s+")[0];
            if (volume.startsWith(name + "-")) {
                Lab.virsh(Lab.LAB1, "vol-delete", volume, "--pool", "images");
            }
        }
    }
}
