package io.virtdeck.guest.devices;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The CD-ROM and an existing volume for real, with the Debian guest (tiny1's kernel loads no SCSI CD-ROM driver;
 * Debian's finds virtio-scsi and sr_mod by itself). Inserting an image into shut-off debian12, which has no drive,
 * gives it a SCSI drive; an existing volume is plugged in beside it; started, the guest reads the image and the
 * volume; ejected while it runs, the guest finds no medium; another image inserted while it runs, the guest reads that
 * one. Checked from inside through the guest agent. debian12 is left as it was.
 */
@VirtdeckIntegrationTest
@UsesLab
class GuestCdromLabTest {

    private static final String IMAGE_A = "vd-cdrom-a.iso";
    private static final String IMAGE_B = "vd-cdrom-b.iso";
    private static final String DATA = "vd-attach-data.raw";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void imagesGoInAndOutAndAnExistingVolumeGoesInSeenByTheGuest() throws Exception {
        Api api = new Api(mvc);
        Api.LabGuest debian12 = api.debian12();
        long guest = debian12.guestId();
        Lab.virsh(Lab.LAB1, "destroy", "debian12");
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.read(api.getJson("/api/v1/guests/" + guest),
                "$.state"), "SHUTOFF"::equals);
        Path images = Lab.DIR.resolve("images");
        // what the guest reads back: a marker at the start of each medium
        image(images.resolve(IMAGE_A), "VDCDROM-A", 1);
        image(images.resolve(IMAGE_B), "VDCDROM-B", 1);
        image(images.resolve(DATA), "VDDATA-1", 16);
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        try {
            mvc.perform(api.post("/api/v1/guests/" + guest + "/cdrom/insert",
                    "{\"pool\":\"images\",\"volume\":\"" + IMAGE_A + "\"}")).andExpect(status().isOk());
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "debian12")).contains("device='cdrom'",
                    "bus='scsi'", IMAGE_A);
            // debian12 is a q35 guest without a spare PCI Express port: a disk goes in while it is shut off
            mvc.perform(api.post("/api/v1/guests/" + guest + "/disks",
                    "{\"pool\":\"images\",\"volume\":\"" + DATA + "\"}")).andExpect(status().isOk());
            mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isOk());
            long started = System.nanoTime();
            assertThat(agentRuns("head -c 9 /dev/sr0")).isEqualTo("VDCDROM-A");
            assertThat(agentRuns("head -c 8 /dev/vdb")).as("the existing volume").isEqualTo("VDDATA-1");
            System.out.printf("[lab] debian12 read the inserted image %d s after its start%n",
                    (System.nanoTime() - started) / 1_000_000_000);

            mvc.perform(api.post("/api/v1/guests/" + guest + "/cdrom/eject", "{}")).andExpect(status().isOk());
            assertThat(agentRuns("head -c 9 /dev/sr0 2>&1; echo; echo exit-$?")).as("no medium after eject")
                    .doesNotContain("VDCDROM");
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "debian12")).doesNotContain(IMAGE_A);

            mvc.perform(api.post("/api/v1/guests/" + guest + "/cdrom/insert",
                    "{\"pool\":\"images\",\"volume\":\"" + IMAGE_B + "\"}")).andExpect(status().isOk());
            assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> agentRuns("head -c 9 /dev/sr0 2>&1"),
                    text -> text.contains("VDCDROM-B"))).isEqualTo("VDCDROM-B");
            assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "debian12")).contains(IMAGE_B);
            assertThat(Api.audited(jdbc, "guest.cdrom.insert", "debian12")).isGreaterThanOrEqualTo(2);
            assertThat(Api.audited(jdbc, "guest.cdrom.eject", "debian12")).isGreaterThanOrEqualTo(1);

        } finally {
            Lab.virsh(Lab.LAB1, "destroy", "debian12");
            String definition = Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "debian12");
            if (definition.contains("device='cdrom'")) {
                Lab.virsh(Lab.LAB1, "detach-disk", "debian12", "sda", "--config");
            }
            if (definition.contains("model='virtio-scsi'")) { // the drive's controller, added with it
                Path controller = Files.createTempFile("vd-scsi-controller", ".xml");
                Files.writeString(controller, "<controller type='scsi' index='0' model='virtio-scsi'/>");
                Lab.virsh(Lab.LAB1, "detach-device", "debian12", controller.toString(), "--config");
                Files.delete(controller);
            }
            if (definition.contains(DATA)) {
                Lab.virsh(Lab.LAB1, "detach-disk", "debian12", "vdb", "--config");
            }
            for (String file : new String[] {IMAGE_A, IMAGE_B, DATA}) {
                Files.deleteIfExists(images.resolve(file));
            }
            Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        }
        assertThat(Lab.virsh(Lab.LAB1, "dumpxml", "--inactive", "debian12")).doesNotContain("device='cdrom'",
                "virtio-scsi");
    }

    /** A raw image of {@code mib} MiB starting with {@code marker}. */
    private static void image(Path file, String marker, int mib) throws Exception {
        byte[] bytes = new byte[mib * 1024 * 1024];
        byte[] text = marker.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, bytes, 0, text.length);
        Files.write(file, bytes);
    }

    /**
     * Runs a shell command inside debian12 through its agent (guest-exec) once the agent answers; returns what it
     * printed.
     */
    private static String agentRuns(String command) {
        String started = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3))
                .until(() -> Lab.virsh(Lab.LAB1, "qemu-agent-command", "debian12", "--timeout", "5", """
                        {"execute":"guest-exec","arguments":{"path":"/bin/sh","arg":["-c",%s],"capture-output":true}}"""
                        .formatted("\"" + command.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")),
                        answer -> answer.contains("\"pid\""));
        Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(started);
        assertThat(pid.find()).as(started).isTrue();
        String status = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Lab.virsh(Lab.LAB1, "qemu-agent-command", "debian12", "--timeout", "5",
                        "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid.group(1) + "}}"),
                        answer -> answer.contains("\"exited\":true"));
        Matcher out = Pattern.compile("\"out-data\":\"([^\"]*)\"").matcher(status);
        return out.find() ? new String(Base64.getDecoder().decode(out.group(1)), StandardCharsets.UTF_8).trim() : "";
    }
}
