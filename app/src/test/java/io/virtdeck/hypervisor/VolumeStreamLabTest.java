package io.virtdeck.hypervisor;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.support.Api;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The gateway streams a volume's bytes in and out through libvirt streams on a real libvirtd (lab1's images pool):
 * what goes up comes back down byte for byte, progress counts the bytes, and a throwing progress aborts the transfer.
 */
@VirtdeckIntegrationTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumeStreamLabTest {

    private static final String POOL = "images";
    private static final String VOLUME = "stream-test.qcow2";
    private static final String CANCELLED = "stream-cancel.raw";

    @Autowired
    MockMvc mvc;
    @Autowired
    ConnectionGateway connectionGateway;
    @Autowired
    StorageGateway storageGateway;
    @Autowired
    VolumeStreamGateway streamGateway;

    private long lab1;

    @BeforeAll
    void lab1() throws Exception {
        Api api = new Api(mvc);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        await().atMost(Duration.ofSeconds(30)).until(() -> connectionGateway.state(lab1),
                s -> s == ConnectionState.CONNECTED);
        removeVolume();
    }

    @AfterAll
    void removeVolume() {
        for (String name : List.of(VOLUME, CANCELLED)) { // an earlier, interrupted run's too
            if (storageGateway.volume(lab1, POOL, name).isPresent()) {
                storageGateway.deleteVolume(lab1, POOL, name);
            }
        }
    }

    @Test
    void aQcow2ImageGoesUpAndComesBackByteForByte(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("known.qcow2");
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "8M");
        run("qemu-io", "-c", "write -P 0xa5 1M 3M", image.toString()); // known content, a few MiB of it
        long length = Files.size(image);
        assertThat(length).isGreaterThan(3L * 1024 * 1024);

        streamGateway.createUploadTarget(lab1, POOL, VOLUME, length);
        List<Long> uploadProgress = new ArrayList<>();
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(image), sent)) {
            streamGateway.uploadVolume(lab1, POOL, VOLUME, in, length, uploadProgress::add);
        }
        assertThat(uploadProgress).isSorted().last().isEqualTo(length);
        assertThat(uploadProgress.size()).as("chunks, not the whole image at once").isGreaterThan(4);
        assertThat(streamGateway.volumeBytes(lab1, POOL, VOLUME)).isEqualTo(length);
        // libvirt looked at the uploaded bytes: the raw target now shows as the qcow2 image it holds
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> storageGateway.volumes(lab1, POOL).stream()
                .filter(v -> v.name().equals(VOLUME)).findFirst().orElseThrow().format(), "qcow2"::equals))
                .isEqualTo("qcow2");

        MessageDigest received = MessageDigest.getInstance("SHA-256");
        List<Long> downloadProgress = new ArrayList<>();
        long streamed;
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), received)) {
            streamed = streamGateway.downloadVolume(lab1, POOL, VOLUME, out, downloadProgress::add);
        }
        assertThat(streamed).isEqualTo(length);
        assertThat(downloadProgress).isSorted().last().isEqualTo(length);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void aProgressThatThrowsAbortsTheTransfer() {
        streamGateway.createUploadTarget(lab1, POOL, CANCELLED, 4L * 1024 * 1024);
        try {
            class Cancelled extends RuntimeException {
            }
            byte[] content = new byte[4 * 1024 * 1024];
            assertThatThrownBy(() -> streamGateway.uploadVolume(lab1, POOL, CANCELLED,
                    new ByteArrayInputStream(content), content.length, bytes -> {
                        if (bytes > 1024 * 1024) {
                            throw new Cancelled();
                        }
                    })).isInstanceOf(Cancelled.class);
            assertThatThrownBy(() -> streamGateway.downloadVolume(lab1, POOL, CANCELLED,
                    OutputStream.nullOutputStream(), bytes -> {
                        throw new Cancelled();
                    })).isInstanceOf(Cancelled.class);
            // an input that ends before the promised length fails the upload instead of waiting forever
            assertThatThrownBy(() -> streamGateway.uploadVolume(lab1, POOL, CANCELLED,
                    new ByteArrayInputStream(new byte[1000]), content.length, bytes -> { }))
                    .isInstanceOf(HypervisorException.class).hasMessageContaining("after 1000 of");
            // the connection is still good for the next call after aborted streams
            assertThat(streamGateway.volumeBytes(lab1, POOL, CANCELLED)).isEqualTo(content.length);
        } finally {
            storageGateway.deleteVolume(lab1, POOL, CANCELLED);
        }
    }
}
