package io.virtdeck.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    private static final byte[] SECRET = "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aKeyFileIsMadePrivateAtFirstUseAndKeptForTheNextInstance() throws Exception {
        Path keyFile = dir.resolve("data/secret.key");
        byte[] box = new SecretBox(new SecretProperties("", keyFile)).encrypt(SECRET, "host-credentials:1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip())).hasSize(32);
        assertThat(new String(box, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE", "MIGHAgEA");
        assertThat(new SecretBox(new SecretProperties("", keyFile)).decrypt(box, "host-credentials:1"))
                .isEqualTo(SECRET);
        try (var files = Files.list(keyFile.getParent())) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("secret.key");
        }
    }

    @Test
    void anotherKeyOrAnotherObjectCannotDecryptAndSaysWhy() {
        SecretBox configured = new SecretBox(new SecretProperties(key(1), null));
        byte[] box = configured.encrypt(SECRET, "host-credentials:1");

        assertThat(configured.decrypt(box, "host-credentials:1")).isEqualTo(SECRET);
        assertThatThrownBy(() -> new SecretBox(new SecretProperties(key(2), null)).decrypt(box, "host-credentials:1"))
                .isInstanceOf(SecretBox.UnreadableSecret.class)
                .hasMessageContaining("VIRTDECK_SECRET_KEY").hasMessageContaining("another key");
        assertThatThrownBy(() -> configured.decrypt(box, "host-credentials:2"))
                .isInstanceOf(SecretBox.UnreadableSecret.class);
        assertThatThrownBy(() -> configured.decrypt(new byte[] {7, 7}, "host-credentials:1"))
                .isInstanceOf(SecretBox.UnreadableSecret.class).hasMessageContaining("damaged");
    }

    @Test
    void aConfiguredKeyThatIsNoKeyIsRefusedNamingTheSetting() {
        SecretBox shortKey = new SecretBox(new SecretProperties(Base64.getEncoder().encodeToString(new byte[5]), null));
        assertThatThrownBy(() -> shortKey.encrypt(SECRET, "x")).hasMessageContaining("VIRTDECK_SECRET_KEY")
                .hasMessageContaining("not 5");
        assertThatThrownBy(() -> new SecretBox(new SecretProperties("not base64!", null)).encrypt(SECRET, "x"))
                .hasMessageContaining("VIRTDECK_SECRET_KEY is not base64");
    }

    private static String key(int fill) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) fill);
        return Base64.getEncoder().encodeToString(key);
    }
}
