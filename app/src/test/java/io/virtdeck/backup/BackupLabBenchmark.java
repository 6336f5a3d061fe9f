package io.virtdeck.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What backups cost on the lab's real QEMU (TCG): a 256 MiB qcow2 data disk filled with random bytes, hot-plugged into
 * tiny1, backed up in full (against {@code qemu-img convert} of the same disk into the same directory), then
 * incrementally after 1% and after 10% of its blocks changed. Prints figures; asserts only that incrementals copy less
 * than the full. {@code flock /tmp/virtdeck-lab.lock mvn -B -ntp -o test -pl app -am -Pbenchmark
 * -Dtest=BackupLabBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; docs/benchmarks/backup.md records them.
 */
@Tag("benchmark")
@UsesLab
@VirtdeckIntegrationTest
class BackupLabBenchmark {

    private static final String POOL = "vd-bench";
    private static final Path DIR = Lab.DIR.resolve("bench-backups");
    private static final int DATA_MIB = 256;

    @Autowired
    MockMvc mvc;

    @Test
    void fullAgainstQemuImgConvertAndIncrementalsAtOneAndTenPercent() throws Exception {
        Lab.tiny1BackOnLab1();
        Api api = new Api(mvc);
        long lab1 = api.connectedHost("lab1", Lab.LAB1);
        long tiny1 = api.guestId(lab1, "tiny1");
        BackupLab.dropCheckpointsAndStop("tiny1");
        BackupLab.dropPool(Lab.LAB1, POOL);
        Files.createDirectories(DIR);
        Lab.virsh(Lab.LAB1, "pool-define-as", POOL, "dir", "--target", DIR.toString());
        Lab.virsh(Lab.LAB1, "pool-start", POOL);
        String store = mvc.perform(api.post("/api/v1/backup-stores", "{\"name\":\"bench\",\"hostId\":" + lab1
                + ",\"pool\":\"" + POOL + "\"}")).andExpect(status().isCreated()).andReturn().getResponse()
                .getContentAsString();
        long storeId = ((Number) JsonPath.read(store, "$.id")).longValue();
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/start", "")).andExpect(status().isOk());
        mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/disks", "{\"pool\":\"" + POOL + "\",\"sizeMiB\":"
                + DATA_MIB + ",\"format\":\"qcow2\"}")).andExpect(status().is2xxSuccessful());
        try {
            // a disk given as a pool volume is listed by its name: its file is in the pool's directory
            String data = DIR.resolve(Lab.virsh(Lab.LAB1, "domblklist", "tiny1").lines().map(String::trim)
                    .filter(l -> l.startsWith("vdb")).findFirst().orElseThrow().split("\\s+")[1]).toString();
            long filling = System.nanoTime();
            Lab.consoleRuns(Lab.LAB1, "tiny1", once("fill", "dd if=/dev/urandom of=/dev/vdb bs=1M count=" + DATA_MIB
                    + " conv=fsync"));
            System.out.printf("[bench] %d MiB of random bytes written in tiny1 in %d ms%n", DATA_MIB,
                    (System.nanoTime() - filling) / 1_000_000);

            Path converted = DIR.resolve("convert.qcow2");
            long converting = System.nanoTime();
            Process convert = new ProcessBuilder("qemu-img", "convert", "-U", "-O", "qcow2", data,
                    converted.toString()).redirectErrorStream(true).start();
            String said = new String(convert.getInputStream().readAllBytes());
            assertThat(convert.waitFor()).as(said).isZero();
            long convertMs = (System.nanoTime() - converting) / 1_000_000;
            System.out.printf("[bench] qemu-img convert of the %d MiB data disk into the store's directory: %d ms,"
                    + " %.0f MiB/s%n", DATA_MIB, convertMs, DATA_MIB * 1000.0 / convertMs);
            Files.delete(converted);

            report(api, tiny1, storeId, "full (64 MiB system disk, mostly empty, + the data disk)");
            Lab.consoleRuns(Lab.LAB1, "tiny1", once("one", "dd if=/dev/urandom of=/dev/vdb bs=256K count="
                    + DATA_MIB * 4 / 100 + " seek=400 conv=fsync"));
            report(api, tiny1, storeId, "incremental after 1% of the data disk changed");
            Lab.consoleRuns(Lab.LAB1, "tiny1", once("ten", "dd if=/dev/urandom of=/dev/vdb bs=256K count="
                    + DATA_MIB * 4 / 10 + " seek=500 conv=fsync"));
            report(api, tiny1, storeId, "incremental after 10% of the data disk changed");
            List<Number> copied = JsonPath.read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"), "$[*].bytesCopied");
            assertThat(copied.get(0).longValue()).isLessThan(copied.get(2).longValue());
            assertThat(copied.get(1).longValue()).isLessThan(copied.get(0).longValue());
        } finally {
            mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/actions/poweroff", ""));
            mvc.perform(delete("/api/v1/guests/" + tiny1 + "/disks/vdb").with(httpBasic(Api.ADMIN,
                    Api.ADMIN_PASSWORD)));
            if (Lab.virsh(Lab.LAB1, "domblklist", "tiny1", "--inactive").contains("vdb")) {
                Lab.virsh(Lab.LAB1, "detach-disk", "tiny1", "vdb", "--config"); // tiny1 as the lab defines it
            }
            BackupLab.dropCheckpointsAndStop("tiny1");
            BackupLab.dropPool(Lab.LAB1, POOL);
        }
    }

    /**
     * A command the console runs once only: its typing is repeated until the shell answers, and a repeat of a long
     * write would run on while a backup is measured.
     */
    private static String once(String mark, String command) {
        return "[ -e /tmp/" + mark + " ] || { touch /tmp/" + mark + "; " + command + " 2>/dev/null; }";
    }

    /** Backs tiny1 up and prints how long the task took and what it copied. */
    private void report(Api api, long tiny1, long storeId, String what) throws Exception {
        Number id = JsonPath.read(mvc.perform(api.post("/api/v1/guests/" + tiny1 + "/backups",
                        "{\"storeId\":" + storeId + "}")).andExpect(status().isAccepted()).andReturn().getResponse()
                .getContentAsString(), "$.id");
        String task = api.taskWhenDone(id.longValue(), Duration.ofMinutes(10));
        assertThat(JsonPath.<String>read(task, "$.state")).as(task).isEqualTo("SUCCEEDED");
        long ms = Duration.between(Instant.parse(JsonPath.read(task, "$.startedAt")),
                Instant.parse(JsonPath.read(task, "$.finishedAt"))).toMillis();
        long bytes = ((Number) JsonPath.read(api.getJson("/api/v1/guests/" + tiny1 + "/backups"), "$[0].bytesCopied"))
                .longValue();
        System.out.printf("[bench] backup, %s: %d ms, %.1f MiB copied (%.0f MiB/s)%n", what, ms,
                bytes / 1048576.0, bytes / 1048576.0 * 1000 / Math.max(ms, 1));
    }
}
