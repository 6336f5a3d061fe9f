package io.virtdeck.guest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Snapshots and managed save for real, on the lab's QEMU: a file written in running tiny1 after a snapshot is gone
 * after the revert (memory and disk came back); a file written before a managed save is still there after the
 * restore; a guest with snapshots is refused migration; a revert QEMU refuses for hot-plugged vCPUs reads in an
 * operator's words. tiny1 is left as found (running or not, on lab1) and without snapshots.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestSnapshotLabTest {

    private static final String MARK = "/tmp/virtdeck-snapshot-mark";
    /** Answers 42-mark-here or 43-mark-gone: the shell's echo of the typing contains neither. */
    private static final String PROBE = "if test -f " + MARK + "; then echo $((40+2))-mark-here; "
            + "else echo $((40+3))-mark-gone; fi";
    private static final String PROBE_GUEST = "snapprobe";
    private static final String RAW_GUEST = "rawprobe";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long lab1;
    long lab2;
    long tiny1;
    boolean tiny1WasRunning;

    @BeforeAll
    void tiny1Running() throws Exception {
        Lab.tiny1BackOnLab1();
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        tiny1 = api.guestId(lab1, "tiny1");
        tiny1WasRunning = Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running");
        if (!tiny1WasRunning) {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1"); // booted to its shell
    }

    @AfterAll
    void tiny1AsFound() {
        deleteSnapshots("tiny1");
        Lab.virsh(Lab.LAB1, "managedsave-remove", "tiny1");
        if (!tiny1WasRunning) {
            Lab.virsh(Lab.LAB1, "destroy", "tiny1");
        }
        for (String probe : java.util.List.of(PROBE_GUEST, RAW_GUEST)) {
            if (Lab.virsh(Lab.LAB1, "list", "--all", "--name").contains(probe)) {
                Lab.virsh(Lab.LAB1, "destroy", probe);
                deleteSnapshots(probe);
                Lab.virsh(Lab.LAB1, "undefine", probe);
            }
        }
        Lab.virsh(Lab.LAB1, "vol-delete", PROBE_GUEST + ".qcow2", "--pool", "images");
        Lab.virsh(Lab.LAB1, "vol-delete", RAW_GUEST + ".img", "--pool", "images");
        try (var left = Files.list(Lab.DIR.resolve("images"))) { // a run stopped between taking and deleting
            left.filter(f -> f.getFileName().toString().startsWith(RAW_GUEST + ".")).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteSnapshots(String domain) {
        for (String name : Lab.virsh(Lab.LAB1, "snapshot-list", domain, "--name").split("\\s+")) {
            if (!name.isBlank()) {
                Lab.virsh(Lab.LAB1, "snapshot-delete", domain, name);
            }
        }
    }

    @Test
    @Order(1)
    void aChangeMadeAfterTheSnapshotIsGoneAfterTheRevert() throws Exception {
        Lab.consoleRuns(Lab.LAB1, "tiny1", "rm -f " + MARK);

        long taking = System.nanoTime();
        mvc.perform(api.post(snapshots(), "{\"name\":\"lab-before-change\",\"description\":\"no mark yet\"}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.withMemory").value(true))
                .andExpect(jsonPath("$.domainState").value("running"));
        long createMillis = millisSince(taking);

        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo changed > " + MARK);
        assertThat(Lab.consoleSays(Lab.LAB1, "tiny1", PROBE)).contains("42-mark-here");

        // a guest with snapshots does not migrate: the refusal says why before libvirt is asked
        String refusal = mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/migrate",
                        "{\"targetHostId\":" + lab2 + ",\"live\":true}"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(refusal).contains("libvirt cannot migrate a guest with snapshots: delete them first");

        long reverting = System.nanoTime();
        mvc.perform(api.post(snapshots() + "/lab-before-change/revert", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        long revertMillis = millisSince(reverting);

        String after = Lab.consoleSays(Lab.LAB1, "tiny1", PROBE);
        assertThat(after).contains("43-mark-gone").doesNotContain("42-mark-here");
        String tree = api.getJson(snapshots());
        assertThat(JsonPath.<String>read(tree, "$.current")).isEqualTo("lab-before-change");

        mvc.perform(delete(snapshots() + "/lab-before-change").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.count").value(0));
        assertThat(Lab.virsh(Lab.LAB1, "snapshot-list", "tiny1", "--name").trim()).isEmpty();
        System.out.printf("[lab] tiny1 snapshot with memory taken in %d ms, reverted in %d ms%n", createMillis,
                revertMillis);
    }

    @Test
    @Order(2)
    void hibernateAndRestoreKeepWhatRanInMemory() throws Exception {
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo kept > " + MARK);
        long saving = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/save", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"))
                .andExpect(jsonPath("$.managedSave").value(true));
        long saveMillis = millisSince(saving);
        assertThat(Lab.virsh(Lab.LAB1, "dominfo", "tiny1")).containsPattern("Managed save:\\s+yes");

        long restoring = System.nanoTime();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"))
                .andExpect(jsonPath("$.managedSave").value(false));
        long restoreMillis = millisSince(restoring);
        // the file lives in the guest's RAM disk: only a restored memory still has it
        assertThat(Lab.consoleSays(Lab.LAB1, "tiny1", PROBE)).contains("42-mark-here");
        Lab.consoleRuns(Lab.LAB1, "tiny1", "rm -f " + MARK);
        System.out.printf("[lab] tiny1 hibernated in %d ms, restored in %d ms%n", saveMillis, restoreMillis);
    }

    @Test
    @Order(3)
    void discardingTheSavedMemoryMakesTheNextStartBootAfresh() throws Exception {
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo lost > " + MARK);
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/save", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.managedSave").value(true));
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/discard-save", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"))
                .andExpect(jsonPath("$.managedSave").value(false));
        assertThat(Lab.virsh(Lab.LAB1, "dominfo", "tiny1")).containsPattern("Managed save:\\s+no");

        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", ""))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        // booted afresh: the file written into its RAM disk before the save is gone
        assertThat(Lab.consoleSays(Lab.LAB1, "tiny1", PROBE)).contains("43-mark-gone");
    }

    @Test
    @Order(4)
    void aRevertRefusedForHotPluggedVcpusIsExplained() throws Exception {
        // a copy of tiny1 whose vCPU count can change while it runs, on a disk of its own
        Lab.virsh(Lab.LAB1, "vol-create-as", "images", PROBE_GUEST + ".qcow2", "16M", "--format", "qcow2");
        defineCopyOfTiny1(PROBE_GUEST, Lab.virsh(Lab.LAB1, "dumpxml", "tiny1")
                .replaceAll("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static' current='1'>2</vcpu>")
                .replaceAll("volume='[^']*'", "volume='" + PROBE_GUEST + ".qcow2'"));
        long probe = api.guestId(lab1, PROBE_GUEST);
        mvc.perform(api.post("/api/v1/guests/" + probe + "/actions/start", "")).andExpect(status().isOk());
        Lab.virsh(Lab.LAB1, "setvcpus", PROBE_GUEST, "2", "--live");
        String probeSnapshots = "/api/v1/guests/" + probe + "/snapshots";
        mvc.perform(api.post(probeSnapshots, "{\"name\":\"two-vcpus\"}")).andExpect(status().isCreated());

        String body = mvc.perform(api.post(probeSnapshots + "/two-vcpus/revert", ""))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(body, "$.message")).startsWith("Reverting to snapshot 'two-vcpus' failed"
                + " because the vCPU count of 'snapprobe' can change while it runs (hot-pluggable vCPUs)");
        Matcher state = Pattern.compile("\"state\":\"(\\w+)\"").matcher(api.getJson("/api/v1/guests/" + probe));
        assertThat(state.find() ? state.group(1) : "").as("the inventory follows QEMU's exit").isEqualTo("SHUTOFF");
    }

    @Test
    @Order(5)
    void aRawDiskGetsExternalSnapshotsWhoseDeletionFoldsTheChangesBack() throws Exception {
        // a copy of tiny1 on a raw volume, as a pool volume (the way Virtdeck attaches disks)
        Lab.virsh(Lab.LAB1, "vol-create-as", "images", RAW_GUEST + ".img", "16M", "--format", "raw");
        defineCopyOfTiny1(RAW_GUEST, Lab.virsh(Lab.LAB1, "dumpxml", "tiny1")
                .replaceAll("volume='[^']*'", "volume='" + RAW_GUEST + ".img'")
                .replace("<driver name='qemu' type='qcow2'/>", "<driver name='qemu' type='raw'/>"));
        long raw = api.guestId(lab1, RAW_GUEST);
        mvc.perform(api.post("/api/v1/guests/" + raw + "/actions/start", "")).andExpect(status().isOk());
        Lab.consoleAnswers(Lab.LAB1, RAW_GUEST);
        String rawSnapshots = "/api/v1/guests/" + raw + "/snapshots";
        Path images = Lab.DIR.resolve("images");

        mvc.perform(api.post(rawSnapshots, "{\"name\":\"ext1\"}")).andExpect(status().isCreated())
                .andExpect(jsonPath("$.external").value(true)).andExpect(jsonPath("$.withMemory").value(true));
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", RAW_GUEST))
                .contains(images.resolve(RAW_GUEST + ".ext1").toString());
        assertThat(images.resolve(RAW_GUEST + ".ext1.mem")).as("the memory file").isNotEmptyFile();
        // written after the snapshot: goes to the overlay, and into the raw disk when the snapshot is deleted
        Lab.consoleRuns(Lab.LAB1, RAW_GUEST, "echo folded-into-raw > /dev/vda; sync");
        mvc.perform(api.post(rawSnapshots, "{\"name\":\"ext2\",\"withMemory\":false}"))
                .andExpect(status().isCreated()).andExpect(jsonPath("$.external").value(true))
                .andExpect(jsonPath("$.withMemory").value(false));

        String refusal = mvc.perform(api.post(rawSnapshots + "/ext1/revert", "")).andExpect(status().isConflict())
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(refusal, "$.message")).contains("is external",
                "reverts external snapshots only from version 9.7 on");

        for (String name : java.util.List.of("ext2", "ext1")) {
            mvc.perform(delete(rawSnapshots + "/" + name).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                    .andExpect(status().isOk());
        }
        assertThat(Lab.virsh(Lab.LAB1, "domblklist", RAW_GUEST)).as("back on its pool volume")
                .contains(RAW_GUEST + ".img").doesNotContain(".ext");
        try (var left = Files.list(images)) {
            assertThat(left.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(RAW_GUEST + ".ext")))
                    .as("overlays and the memory file are gone").isEmpty();
        }
        mvc.perform(api.post("/api/v1/guests/" + raw + "/actions/poweroff", "")).andExpect(status().isOk());
        byte[] start = new byte[15];
        try (var disk = Files.newInputStream(images.resolve(RAW_GUEST + ".img"))) {
            assertThat(disk.read(start)).isEqualTo(15);
        }
        assertThat(new String(start, StandardCharsets.US_ASCII)).isEqualTo("folded-into-raw");
    }

    /** Defines a copy of tiny1 from its XML (already given its own disk), without tiny1's UUID, MAC, log or display. */
    private static void defineCopyOfTiny1(String name, String tiny1Xml) throws Exception {
        String xml = tiny1Xml.replace("<name>tiny1</name>", "<name>" + name + "</name>")
                .replaceAll("<uuid>[^<]*</uuid>", "").replaceAll("<mac address='[^']*'/>", "")
                .replaceAll("<log file='[^']*' append='off'/>", "")
                .replaceAll("(?s)<graphics.*?</graphics>|<graphics[^>]*/>", "");
        Path file = Files.createTempFile(name, ".xml");
        try {
            Files.writeString(file, xml);
            Lab.virsh(Lab.LAB1, "define", file.toString());
        } finally {
            Files.delete(file);
        }
        assertThat(Lab.virsh(Lab.LAB1, "list", "--all", "--name")).contains(name);
    }

    private String snapshots() {
        return "/api/v1/guests/" + tiny1 + "/snapshots";
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
