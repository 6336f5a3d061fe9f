package io.virtdeck.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Commands;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backups of tiny1 (lab1) into stores lab1 does not reach, a pool only lab2 has and a directory on the Virtdeck server:
 * libvirt writes each backup beside tiny1's disk, Virtdeck streams it to the store and deletes the staged copy. The
 * chain in the store is whole (the incremental names its base by file name), the incremental moves about the changed
 * blocks only, and restores read what was written before each backup: from lab2's pool, the incremental restored
 * back on lab1 (made whole on lab2, streamed) and the full one on lab2 itself; from the directory, the incremental on
 * lab1 (its chain streamed there and made whole).
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupCrossHostLabTest {

    private static final String POOL = "vd-backups-lab2";
    private static final Path POOL_DIR = Lab.DIR.resolve("lab2-backups");
    private static final Path SERVER_DIR = Lab.DIR.resolve("server-backups");
    private static final List<String> RESTORED = List.of("tiny-lab2-inc", "tiny-lab2-full", "tiny-dir-inc");

    @Autowired
    MockMvc mvc;

    Api api;
    long lab1;
    long lab2;
    long tiny1;

    @BeforeAll
    void lab() throws Exception {
        Lab.tiny1BackOnLab1();
        api = new Api(mvc);
        lab1 = api.connectedHost("lab1", Lab.LAB1);
        lab2 = api.connectedHost("lab2", Lab.LAB2);
        tiny1 = api.guestId(lab1, "tiny1");
        cleanUp();
        Files.createDirectories(POOL_DIR);
        Files.createDirectories(SERVER_DIR);
        Lab.virsh(Lab.LAB2, "pool-define-as", POOL, "dir", "--target", POOL_DIR.toString());
        Lab.virsh(Lab.LAB2, "pool-start", POOL);
    }

    @AfterAll
    void cleanUp() {
        for (String uri : List.of(Lab.LAB1, Lab.LAB2)) {
            for (String guest : RESTORED) {
                if (Lab.virsh(uri, "list", "--all", "--name").contains(guest)) {
                    Lab.virsh(uri, "destroy", guest);
                    Lab.virsh(uri, "undefine", guest, "--remove-all-storage");
                }
            }
        }
        BackupLab.dropCheckpointsAndStop("tiny1");
        BackupLab.dropPool(Lab.LAB2, POOL);
        try (Stream<Path> files = Files.exists(SERVER_DIR) ? Files.list(SERVER_DIR) : Stream.empty()) {
            files.forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aChainStreamedToAStoreOnLab2RestoresOnEitherHost() throws Exception {
        long storeId = JsonPath.<Number>read(mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"lab2-only\",\"hostId\":" + lab2 + ",\"pool\":\"" + POOL + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id").longValue();
        Chain chain = backUpTwice(storeId, "host lab2", POOL_DIR);

        assertThat(restoreAndRead(chain.incremental(), RESTORED.get(0), lab1, Lab.LAB1))
                .contains("S2048=[aaaa]", "S4096=[bbbb]").doesNotContain("cccc");
        assertThat(restoreAndRead(chain.full(), RESTORED.get(1), lab2, Lab.LAB2))
                .contains("S2048=[aaaa]").doesNotContain("bbbb").doesNotContain("cccc");
        try (Stream<Path> files = Files.list(POOL_DIR)) {
            assertThat(files.count()).as("the whole copy made on lab2 for lab1's restore is gone").isEqualTo(2);
        }
    }

    @Test
    void aChainStreamedToADirectoryOfTheServerRestoresOnTheGuestsHost() throws Exception {
        long storeId = JsonPath.<Number>read(mvc.perform(api.post("/api/v1/backup-stores",
                        "{\"name\":\"server-dir\",\"directory\":\"" + SERVER_DIR + "\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id").longValue();
        Chain chain = backUpTwice(storeId, "the Virtdeck server", SERVER_DIR);

        long started = System.nanoTime();
        succeeds(mvc.perform(api.post("/api/v1/backups/" + chain.incremental() + "/restore",
                "{\"name\":\"" + RESTORED.get(2) + "\",\"pool\":\"images\"}")));
        System.out.printf("[lab] restored a backup from the server's directory on lab1 in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).as("the chain's files streamed to lab1 are gone")
                .doesNotContain(chain.fullVolume()).doesNotContain(chain.incrementalVolume());
        assertThat(bootAndRead(RESTORED.get(2), lab1, Lab.LAB1))
                .contains("S2048=[aaaa]", "S4096=[bbbb]").doesNotContain("cccc");
    }

    /**
     * tiny1 running writes A, is backed up in full into the store, writes B and 10 MiB more, is backed up
     * incrementally, writes C and is powered off. Checks what the store's directory holds.
     */
    private Chain backUpTwice(long storeId, String place, Path directory) throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        // marks other runs wrote are wiped first: this chain's restores must show this run's alone
        Lab.consoleRuns(Lab.LAB1, "tiny1", "for s in 2048 4096 6144; do dd if=/dev/zero of=/dev/vda bs=512 seek=$s"
                + " count=1 conv=fsync; done; echo AAAA-mark | dd of=/dev/vda bs=512 seek=2048 conv=fsync");
        long fullStarted = System.nanoTime();
        String full = succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long fullMs = (System.nanoTime() - fullStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(full, "$.message")).contains("full backup (the first backup of 'tiny1'")
                .contains("streamed to " + place);

        Lab.consoleRuns(Lab.LAB1, "tiny1", "dd if=/dev/urandom of=/dev/vda bs=1M count=10 seek=20 conv=fsync;"
                + " echo BBBB-mark | dd of=/dev/vda bs=512 seek=4096 conv=fsync");
        long incStarted = System.nanoTime();
        String incremental = succeeds(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                "{\"storeId\":" + storeId + "}")));
        long incMs = (System.nanoTime() - incStarted) / 1_000_000;
        assertThat(JsonPath.<String>read(incremental, "$.message")).contains("incremental backup (from virtdeck-")
                .contains("streamed to " + place);
        Lab.consoleRuns(Lab.LAB1, "tiny1", "echo CCCC-mark | dd of=/dev/vda bs=512 seek=6144 conv=fsync");
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", "")).andExpect(status().isOk());

        List<Map<String, Object>> points = JsonPath.read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"),
                "$[?(@.storeId == " + storeId + ")]");
        assertThat(points).hasSize(2);
        Chain chain = new Chain(((Number) points.get(1).get("id")).longValue(),
                ((Number) points.get(0).get("id")).longValue(),
                JsonPath.read(api.getJson("/api/v1/backups/" + points.get(1).get("id")), "$.disks[0].volume"),
                JsonPath.read(api.getJson("/api/v1/backups/" + points.get(0).get("id")), "$.disks[0].volume"));
        Path incFile = directory.resolve(chain.incrementalVolume());
        assertThat(Files.size(incFile)).as("the streamed incremental holds about the 10 MiB changed")
                .isGreaterThanOrEqualTo(10L << 20).isLessThan(30L << 20);
        assertThat(Commands.run("qemu-img", "info", "-U", incFile.toString()))
                .as("its base by file name: found beside it in the store").contains("backing file: "
                        + chain.fullVolume() + " (actual path: " + directory.resolve(chain.fullVolume()) + ")");
        Lab.virsh(Lab.LAB1, "pool-refresh", "images");
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).as("nothing staged stays beside tiny1's disk")
                .doesNotContain(chain.incrementalVolume()).doesNotContain(chain.fullVolume());
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder(chain.fullVolume(), chain.incrementalVolume());
        }
        System.out.printf("[lab] tiny1 backed up to %s: full %d ms, incremental after 10 MiB written %d ms"
                + " (%d bytes streamed)%n", place, fullMs, incMs, Files.size(incFile));
        return chain;
    }

    /** A chain of two points: their ids and their volumes' file names. */
    private record Chain(long full, long incremental, String fullVolume, String incrementalVolume) {
    }

    /** Restores the point as a new guest on the host (in its pool `images`), boots it, reads the marked sectors. */
    private String restoreAndRead(long pointId, String name, long hostId, String uri) throws Exception {
        long started = System.nanoTime();
        succeeds(mvc.perform(api.post("/api/v1/backups/" + pointId + "/restore", "{\"name\":\"" + name
                + "\",\"hostId\":" + hostId + ",\"pool\":\"images\"}")));
        System.out.printf("[lab] restored backup %d on %s in %d ms%n", pointId, uri,
                (System.nanoTime() - started) / 1_000_000);
        return bootAndRead(name, hostId, uri);
    }

    private String bootAndRead(String name, long hostId, String uri) throws Exception {
        long guest = api.guestId(hostId, name);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/start", "")).andExpect(status().isOk());
        String seen = Lab.consoleSays(uri, name, BackupLab.READ_MARKS);
        mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/poweroff", "")).andExpect(status().isOk());
        return seen;
    }

    private String succeeds(ResultActions accepted) throws Exception {
        return api.succeeded(accepted, Duration.ofSeconds(180));
    }
}
