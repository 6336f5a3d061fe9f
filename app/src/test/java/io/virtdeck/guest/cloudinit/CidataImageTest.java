package io.virtdeck.guest.cloudinit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seed images read back by what reads CD-ROMs on Linux outside the kernel: blkid (the label cloud-init's ds-identify
 * looks for) and isoinfo (both trees, file by file, byte for byte).
 */
class CidataImageTest {

    private static final Instant RECORDED = Instant.parse("2024-05-06T07:08:09.10Z");

    @TempDir
    Path dir;

    @Test
    void aNoCloudSeedHasTheLabelAndTheExactFilesCloudInitReads() throws Exception {
        byte[] metaData = "instance-id: web-1\nlocal-hostname: web-1\n".getBytes(StandardCharsets.UTF_8);
        byte[] userData = new byte[5000]; // three sectors' worth
        for (int i = 0; i < userData.length; i++) {
            userData[i] = (byte) (i * 31 + i / 251);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("meta-data", metaData);
        files.put("user-data", userData);
        files.put("network-config", new byte[0]);
        byte[] bytes = CidataImage.write(CidataImage.NOCLOUD_LABEL, files, RECORDED);
        Path image = save(bytes);

        String blkid = text(run(List.of(command("blkid"), "-p", "-o", "export", image.toString())));
        assertThat(blkid.lines()).contains("TYPE=iso9660", "LABEL=cidata", "VERSION=Joliet\\ Extension",
                // blkid escapes spaces in export form; its UUID of an ISO 9660 volume is the creation date
                "UUID=2024-05-06-07-08-09-10");

        String description = text(isoinfo("-d", "-i", image.toString()));
        assertThat(description.lines()).contains("Volume id: cidata", "Joliet with UCS level 3 found",
                "Logical block size is: 2048", "Volume size is: " + bytes.length / 2048);

        assertThat(isoinfo("-J", "-f", "-i", image.toString()))
                .asString(StandardCharsets.UTF_8).isEqualTo("/meta-data\n/network-config\n/user-data\n");
        assertThat(isoinfo("-f", "-i", image.toString()))
                .asString(StandardCharsets.UTF_8).isEqualTo("/META_DAT.;1\n/NETWORK_.;1\n/USER_DAT.;1\n");
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(isoinfo("-J", "-x", "/" + file.getKey(), "-i", image.toString()))
                    .as("Joliet /" + file.getKey()).isEqualTo(file.getValue());
        }
        assertThat(isoinfo("-x", "/META_DAT.;1", "-i", image.toString())).isEqualTo(metaData);
        assertThat(isoinfo("-x", "/USER_DAT.;1", "-i", image.toString())).isEqualTo(userData);
        assertThat(isoinfo("-x", "/NETWORK_.;1", "-i", image.toString())).isEmpty();
    }

    @Test
    void namesTheSameInEightDotThreeAreMadeUniqueAndTheJolietNamesKeptAsGiven() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("user-data", ascii("first"));
        files.put("user-data-old", ascii("second"));
        files.put("vendor-data.yaml", ascii("third"));
        Path image = save(CidataImage.write("CIDATA", files, RECORDED));

        assertThat(isoinfo("-f", "-i", image.toString())).asString(StandardCharsets.UTF_8)
                .isEqualTo("/USER_DA1.;1\n/USER_DAT.;1\n/VENDOR_D.YAM;1\n");
        assertThat(isoinfo("-x", "/USER_DAT.;1", "-i", image.toString())).isEqualTo(ascii("first"));
        assertThat(isoinfo("-x", "/USER_DA1.;1", "-i", image.toString())).isEqualTo(ascii("second"));
        assertThat(isoinfo("-x", "/VENDOR_D.YAM;1", "-i", image.toString())).isEqualTo(ascii("third"));
        assertThat(isoinfo("-J", "-x", "/vendor-data.yaml", "-i", image.toString())).isEqualTo(ascii("third"));
        assertThat(text(run(List.of(command("blkid"), "-p", "-o", "export", image.toString()))).lines())
                .contains("LABEL=CIDATA");
    }

    @Test
    void sixteenLongNamesFillMoreThanOneDirectorySector() throws Exception {
        // Joliet records of 64-character names are 162 bytes: twelve to a sector, so the root spans two
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < CidataImage.MAX_FILES; i++) {
            String name = String.format("%02d-", i) + "x".repeat(CidataImage.MAX_NAME_LENGTH - 3);
            files.put(name, ascii("file " + i + "\n".repeat(i * 300)));
            listed.add("/" + name);
        }
        Path image = save(CidataImage.write("seed", files, RECORDED));

        assertThat(text(isoinfo("-J", "-f", "-i", image.toString())).lines()).containsExactlyElementsOf(listed);
        assertThat(text(isoinfo("-f", "-i", image.toString())).lines()).hasSize(CidataImage.MAX_FILES)
                .doesNotHaveDuplicates();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(isoinfo("-J", "-x", "/" + file.getKey(), "-i", image.toString()))
                    .as(file.getKey()).isEqualTo(file.getValue());
        }
    }

    @Test
    void theSameSeedRecordedAtTheSameTimeIsTheSameImage() {
        Map<String, byte[]> files = Map.of("meta-data", ascii("instance-id: a\n"));
        assertThat(CidataImage.write("cidata", files, RECORDED)).isEqualTo(CidataImage.write("cidata", files, RECORDED))
                .isNotEqualTo(CidataImage.write("cidata", files, RECORDED.plusSeconds(1)));
    }

    @Test
    void whatAnImageCannotHoldAsGivenIsRefusedByName() {
        Map<String, byte[]> seed = Map.of("meta-data", ascii("instance-id: a\n"));
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of("User-data", ascii(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'User-data'");
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of("user data", ascii(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'user data'");
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of("..", ascii(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
        String tooLong = "n".repeat(CidataImage.MAX_NAME_LENGTH + 1);
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of(tooLong, ascii(""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64 characters");

        Map<String, byte[]> seventeen = new LinkedHashMap<>();
        for (int i = 0; i <= CidataImage.MAX_FILES; i++) {
            seventeen.put("file" + i, ascii(""));
        }
        assertThatThrownBy(() -> CidataImage.write("cidata", seventeen))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 16 files, not 17");
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 16 files, not 0");
        assertThatThrownBy(() -> CidataImage.write("cidata", Map.of("user-data",
                        new byte[(int) CidataImage.MAX_TOTAL_BYTES + 1])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16777217 bytes");

        assertThatThrownBy(() -> CidataImage.write("cidata_seed_longer", seed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("volume id")
                .hasMessageContaining("1 to 16 characters").hasMessageContaining("'cidata_seed_longer'");
        assertThatThrownBy(() -> CidataImage.write("ci-data", seed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("volume id")
                .hasMessageContaining("'ci-data'");
        assertThatThrownBy(() -> CidataImage.write("", seed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("volume id");
    }

    private Path save(byte[] image) throws IOException {
        return Files.write(Files.createTempFile(dir, "seed-", ".iso"), image);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] output) {
        return new String(output, StandardCharsets.UTF_8);
    }

    private byte[] isoinfo(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(command("isoinfo")));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** The command's path, from the PATH or the sbin directories a non-root PATH leaves out; fails when absent. */
    private static String command(String name) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator));
        return Stream.concat(path, Stream.of("/usr/sbin", "/sbin")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseGet(() -> fail(name + " is missing (isoinfo is genisoimage's, blkid util-linux's):"
                        + " run scripts/install-deps.sh test"));
    }

    /** The command's standard output; fails unless it exits 0 within 30 seconds. */
    private byte[] run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out-", ".bin");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command + " took longer than 30 seconds");
        }
        assertThat(process.exitValue()).as(command + ": " + Files.readString(err)).isZero();
        return Files.readAllBytes(out);
    }
}
