package io.virtdeck.undo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of a Virtdeck running as a process of its own, in the middle of a guest create with new disks, a
 * snapshot, a volume upload, an image's staging and its import, and a clone to another host. Each kill lands at a
 * moment read from the database (what the work recorded it was about to make); where libvirt could finish the step
 * alone, lab1's libvirtd is held with {@code kill -STOP} around the kill so that the moment is exact. After each
 * restart, nothing is left half-made on the lab's hosts or in the staging directory, every task is closed saying
 * what was removed, and the audit names it under the person who started the work.
 */
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledMidWorkLabTest {

    private static final String POOL = "images";
    private static final Duration SETTLED_WITHIN = Duration.ofSeconds(90);

    private VirtdeckProcess virtdeck;
    private JdbcClient database;
    private long lab1;
    private long lab2;

    @BeforeAll
    void start() throws Exception {
        virtdeck = new VirtdeckProcess().start();
        database = virtdeck.database();
        lab1 = api().hostIdOrRegister("lab1", Lab.LAB1);
        lab2 = api().hostIdOrRegister("lab2", Lab.LAB2);
    }

    /** A test that failed before its restart leaves Virtdeck killed: the next starts it again. */
    @BeforeEach
    void running() {
        if (!virtdeck.running()) {
            virtdeck.start();
        }
    }

    @AfterAll
    void stop() {
        if (virtdeck != null) {
            virtdeck.close();
        }
    }

    @Test
    void aCreateKilledAfterItsVolumesLeavesNoVolumeAndNoGuest() throws Exception {
        String name = "killed-create";
        forget(Lab.LAB1, name, name + "-disk1.qcow2", name + "-disk2.qcow2");
        long libvirtd = Lab.libvirtdPid("lab1");
        ArmedStop stop = new ArmedStop(libvirtd);
        CompletableFuture<HttpResponse<String>> create = send("POST", "/api/v1/hosts/" + lab1 + "/guests",
                "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":64,\"disks\":[{\"pool\":\"" + POOL
                        + "\",\"sizeMiB\":64},{\"pool\":\"" + POOL + "\",\"sizeMiB\":64}]}");
        // both volumes are made once the definition is recorded; lab1 holds the definition's call meanwhile
        awaitRecorded("DOMAIN", name, create);
        stop.now();
        try {
            virtdeck.kill();
        } finally {
            Lab.signal(libvirtd, "CONT");
        }
        create.handle((answer, failure) -> null).join();
        assertThat(volumes(Lab.LAB1)).as("what the kill left").contains(name + "-disk1.qcow2", name + "-disk2.qcow2");

        restartAndSettle();

        assertThat(volumes(Lab.LAB1)).noneMatch(volume -> volume.startsWith(name));
        assertThat(domains(Lab.LAB1)).doesNotContain(name);
        assertThat(lastAudit("guest.create", name)).startsWith("admin FAILURE Virtdeck stopped before this"
                + " finished. Nothing it was making remains: ").contains("volume images/" + name + "-disk1.qcow2 on"
                + " host 'lab1'", "volume images/" + name + "-disk2.qcow2 on host 'lab1'");
    }

    @Test
    void aSnapshotKilledMidCallIsFoundTakenOrNotAsLibvirtSays() throws Exception {
        String guest = "killed-snap";
        forget(Lab.LAB1, guest, guest + ".qcow2");
        Lab.virsh(Lab.LAB1, "vol-create-as", POOL, guest + ".qcow2", "64M", "--format", "qcow2");
        Lab.defineDiskOnlyGuest(Lab.LAB1, guest, POOL, guest + ".qcow2");
        long id = api().guestIdOn(lab1, guest);
        long libvirtd = Lab.libvirtdPid("lab1");
        ArmedStop stop = new ArmedStop(libvirtd);
        CompletableFuture<HttpResponse<String>> snapshot = send("POST", "/api/v1/guests/" + id + "/snapshots",
                "{\"name\":\"mid-kill\"}");
        awaitRecorded("SNAPSHOT", "mid-kill", snapshot);
        stop.now();
        try {
            TimeUnit.MILLISECONDS.sleep(300); // the call on its way to lab1
            virtdeck.kill();
        } finally {
            Lab.signal(libvirtd, "CONT");
        }
        snapshot.handle((answer, failure) -> null).join();

        restartAndSettle();

        boolean taken = Lab.virsh(Lab.LAB1, "snapshot-list", guest, "--name").lines().anyMatch("mid-kill"::equals);
        String audit = lastAudit("guest.snapshot.create", guest);
        System.out.printf("[lab] snapshot killed mid-call: libvirt %s it; the audit says: %s%n",
                taken ? "finished" : "never took", audit);
        if (taken) {
            assertThat(audit).isEqualTo("admin SUCCESS Virtdeck stopped before this finished. libvirt finished"
                    + " snapshot 'mid-kill' of '" + guest + "' on host 'lab1' after Virtdeck stopped; it is kept"
                    + " (delete it on the guest's Snapshots tab if it is not wanted).");
            Lab.virsh(Lab.LAB1, "snapshot-delete", guest, "mid-kill");
        } else {
            assertThat(audit).isEqualTo("admin FAILURE Virtdeck stopped before this finished. Snapshot 'mid-kill'"
                    + " of '" + guest + "' on host 'lab1' was not taken.");
        }
        forget(Lab.LAB1, guest, guest + ".qcow2");
    }

    @Test
    void anUploadKilledMidStreamLeavesNoPartialVolume() throws Exception {
        String volume = "killed-upload.img";
        forget(Lab.LAB1, null, volume);
        try (Socket client = sendHalf("/api/v1/hosts/" + lab1 + "/pools/" + POOL + "/volumes/" + volume
                + "/content?format=raw", 64 << 20, 8 << 20)) {
            awaitRecorded("VOLUME", volume);
            TimeUnit.SECONDS.sleep(1); // the first bytes written into it
            virtdeck.kill();
        }
        assertThat(volumes(Lab.LAB1)).as("what the kill left").contains(volume);

        restartAndSettle();

        assertThat(volumes(Lab.LAB1)).doesNotContain(volume);
        assertThat(lastTask("volume.upload")).startsWith("FAILED Virtdeck stopped before this finished.")
                .contains("volume images/" + volume + " on host 'lab1'");
    }

    @Test
    void aStagingKilledMidUploadLeavesNoStagedFile() throws Exception {
        Path staged;
        try (Socket client = sendHalf("/api/v1/hosts/" + lab1 + "/imports?fileName=killed-stage.img", 64 << 20,
                8 << 20)) {
            staged = Path.of(awaitRecorded("FILES", null));
            TimeUnit.SECONDS.sleep(1);
            assertThat(staged.resolve("upload")).as("what the kill left").exists();
            virtdeck.kill();
        }

        restartAndSettle();

        assertThat(staged).doesNotExist();
        assertThat(lastTask("image.stage")).isEqualTo("FAILED Virtdeck stopped before this finished. Nothing it"
                + " was making remains: the staged files in " + staged + " on the Virtdeck server (removed, or never"
                + " made).");
    }

    @Test
    void anImportKilledMidStreamLeavesNoVolumeAndNoStagedImage() throws Exception {
        String name = "killed-import";
        forget(Lab.LAB1, null, name + ".qcow2");
        Path image = Files.createTempFile("killed-import", ".img");
        try {
            writeRandom(image, 256);
            String stagedId = JsonPath.read(api().putFile("/api/v1/hosts/" + lab1 + "/imports?fileName=big.img",
                    image).body(), "$.id");
            Path staged = Path.of(database.sql("SELECT path FROM unfinished_work_items WHERE kind = 'FILES'")
                    .query(String.class).single());
            HttpResponse<String> started = api().call("POST", "/api/v1/hosts/" + lab1 + "/imports/" + stagedId,
                    "{\"pool\":\"" + POOL + "\",\"name\":\"" + name + "\"}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            awaitRecorded("VOLUME", name + ".qcow2");
            TimeUnit.MILLISECONDS.sleep(200);
            virtdeck.kill();
            assertThat(volumes(Lab.LAB1)).as("what the kill left").contains(name + ".qcow2");
            assertThat(staged).as("what the kill left").exists();

            restartAndSettle();

            assertThat(volumes(Lab.LAB1)).doesNotContain(name + ".qcow2");
            assertThat(staged).doesNotExist();
            assertThat(lastTask("image.import")).startsWith("FAILED Virtdeck stopped before this finished.")
                    .contains("volume images/" + name + ".qcow2 on host 'lab1'");
            assertThat(lastAudit("image.stage", "big.img")).contains("FAILURE", "the staged files in " + staged);
        } finally {
            Files.deleteIfExists(image);
        }
    }

    @Test
    void aCloneToAnotherHostKilledMidStreamLeavesNothingOnIt() throws Exception {
        String source = "killed-source";
        String clone = "killed-clone";
        forget(Lab.LAB1, source, source + ".qcow2");
        forget(Lab.LAB2, clone, clone + "-vda.qcow2");
        Path raw = Files.createTempFile("killed-source", ".img");
        try {
            writeRandom(raw, 384); // streamed through Virtdeck for a few seconds
            Path volume = Lab.DIR.resolve(POOL).resolve(source + ".qcow2");
            run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), volume.toString());
        } finally {
            Files.deleteIfExists(raw);
        }
        Lab.virsh(Lab.LAB1, "pool-refresh", POOL);
        Lab.defineDiskOnlyGuest(Lab.LAB1, source, POOL, source + ".qcow2");
        long id = api().guestIdOn(lab1, source);
        HttpResponse<String> started = api().call("POST", "/api/v1/guests/" + id + "/clone",
                "{\"name\":\"" + clone + "\",\"hostId\":" + lab2 + "}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long task = ((Number) JsonPath.read(started.body(), "$.id")).longValue();
        await("the clone's stream under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> database.sql("SELECT progress FROM tasks WHERE id = :id").param("id", task)
                        .query(Integer.class).single() >= 5);
        virtdeck.kill();
        assertThat(volumes(Lab.LAB2)).as("what the kill left").contains(clone + "-vda.qcow2");

        restartAndSettle();

        assertThat(volumes(Lab.LAB2)).noneMatch(name -> name.startsWith(clone));
        assertThat(domains(Lab.LAB2)).doesNotContain(clone);
        assertThat(database.sql("SELECT state || ' ' || message FROM tasks WHERE id = :id").param("id", task)
                .query(String.class).single()).isEqualTo("FAILED Virtdeck stopped before this finished. Nothing it"
                + " was making remains: volume images/" + clone + "-vda.qcow2 on host 'lab2' (removed, or never"
                + " made).");
        assertThat(lastAudit("guest.clone", clone)).startsWith("admin FAILURE Virtdeck stopped");
        forget(Lab.LAB1, source, source + ".qcow2");
    }

    private AdminApi api() {
        return virtdeck.api();
    }

    /** Starts Virtdeck again and waits until every work the kill interrupted is settled. */
    private void restartAndSettle() throws Exception {
        long killed = database.sql("SELECT count(*) FROM unfinished_work").query(Long.class).single();
        assertThat(killed).as("works the kill interrupted").isPositive();
        long restarting = System.nanoTime();
        virtdeck.start();
        long answering = System.nanoTime();
        await("the interrupted works settled").atMost(SETTLED_WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> database.sql("SELECT count(*) FROM unfinished_work").query(Long.class).single() == 0);
        System.out.printf("[lab] restarted: answering after %.1f s, %d interrupted work(s) settled %.1f s later%n",
                (answering - restarting) / 1e9, killed, (System.nanoTime() - answering) / 1e9);
        api().hostIdOrRegister("lab1", Lab.LAB1);
        api().hostIdOrRegister("lab2", Lab.LAB2);
    }

    /**
     * Waits until a work records that it is about to make a thing of this kind (named so, when a name is given) and
     * returns the thing's path (staged files) or name. Polled tightly: the kill follows within milliseconds.
     */
    private String awaitRecorded(String kind, String name) {
        return awaitRecorded(kind, name, new CompletableFuture<>());
    }

    /** The same, failing at once with the answer when {@code request} is answered first. */
    private String awaitRecorded(String kind, String name, CompletableFuture<HttpResponse<String>> request) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> found = database.sql("SELECT coalesce(path, name) FROM unfinished_work_items WHERE kind ="
                            + " :kind AND (CAST(:name AS TEXT) IS NULL OR name = :name)")
                    .param("kind", kind).param("name", name).query(String.class).list();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (request.isDone()) {
                throw new AssertionError("answered before any " + kind + " was recorded: " + request.handle(
                        (answer, failure) -> answer != null ? answer.statusCode() + " " + answer.body()
                                : failure.toString()).join());
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no " + kind + " " + name + " was recorded within 60 s; see " + virtdeck.log());
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String json) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return api().call(method, path, json);
            } catch (Exception e) {
                throw new IllegalStateException(e); // the kill cuts the answer short
            }
        });
    }

    /** A PUT announcing {@code length} bytes, of which only {@code sent} follow: the rest never comes. */
    private Socket sendHalf(String path, int length, int sent) throws IOException {
        Socket socket = new Socket("localhost", virtdeck.port());
        OutputStream out = socket.getOutputStream();
        out.write(("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + AdminApi.authorization()
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < sent / chunk.length; i++) {
            ThreadLocalRandom.current().nextBytes(chunk);
            out.write(chunk);
        }
        out.flush();
        return socket;
    }

    private static void writeRandom(Path file, int mib) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                ThreadLocalRandom.current().nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private String lastAudit(String action, String objectName) {
        return database.sql("SELECT username || ' ' || outcome || ' ' || detail FROM audit_events WHERE action ="
                        + " :action AND object_name = :name ORDER BY id DESC LIMIT 1")
                .param("action", action).param("name", objectName).query(String.class).single();
    }

    private String lastTask(String type) {
        return database.sql("SELECT state || ' ' || message FROM tasks WHERE type = :type ORDER BY id DESC LIMIT 1")
                .param("type", type).query(String.class).single();
    }

    private static List<String> volumes(String host) {
        Lab.virsh(host, "pool-refresh", POOL);
        return Lab.virsh(host, "vol-list", POOL).lines().map(String::trim).filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+")[0]).toList();
    }

    private static List<String> domains(String host) {
        return Lab.virsh(host, "list", "--all", "--name").lines().map(String::trim).toList();
    }

    /** What an earlier run in the same lab may have left (virsh's errors ignored). */
    private static void forget(String host, String domain, String... volumes) {
        if (domain != null) {
            Lab.virsh(host, "undefine", domain, "--snapshots-metadata");
        }
        for (String volume : volumes) {
            Lab.virsh(host, "vol-delete", "--pool", POOL, volume);
        }
    }

    /**
     * {@code kill -STOP} of a process, made ready beforehand: a shell waits for a line to send it, so that it lands
     * within a millisecond of the moment rather than after a fork of {@code kill}.
     */
    private static final class ArmedStop {

        private final Process shell;

        ArmedStop(long pid) throws IOException {
            shell = new ProcessBuilder("bash", "-c", "read -r; kill -STOP " + pid + "; echo stopped")
                    .redirectErrorStream(true).start();
        }

        void now() throws IOException, InterruptedException {
            shell.getOutputStream().write('\n');
            shell.getOutputStream().flush();
            if (!shell.waitFor(10, TimeUnit.SECONDS) || shell.exitValue() != 0) {
                throw new AssertionError("kill -STOP failed: " + new String(shell.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: "
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
