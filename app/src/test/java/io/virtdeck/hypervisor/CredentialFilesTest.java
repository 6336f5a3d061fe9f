package io.virtdeck.hypervisor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How credentials become libvirt remote URI parameters, and where stored material goes while libvirt connects. */
class CredentialFilesTest {

    private static final byte[] KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n".getBytes(
            StandardCharsets.UTF_8);

    @Test
    void aStoredSshKeyIsWrittenPrivatelyAndPassedAsKeyfileAndKnownHosts() throws Exception {
        byte[] knownHosts = "[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nz\n".getBytes(StandardCharsets.UTF_8);
        Path directory;
        try (CredentialFiles files = CredentialFiles.prepare("qemu+libssh://root@kvm-01:2222/system?no_tty=1",
                new HostCredentials.StoredSshKey(KEY, knownHosts))) {
            directory = files.directory();
            assertThat(files.uri()).isEqualTo("qemu+libssh://root@kvm-01:2222/system?no_tty=1&keyfile="
                    + directory.resolve("id") + "&known_hosts=" + directory.resolve("known_hosts"));
            assertThat(permissions(directory)).isEqualTo("rwx------");
            assertThat(permissions(directory.resolve("id"))).isEqualTo("rw-------");
            assertThat(permissions(directory.resolve("known_hosts"))).isEqualTo("rw-------");
            assertThat(Files.readAllBytes(directory.resolve("id"))).isEqualTo(KEY);
            assertThat(files.sshOptions()).as("the same for the console's OpenSSH tunnel").containsExactly(
                    "-o", "IdentitiesOnly=yes", "-i", directory.resolve("id").toString(),
                    "-o", "UserKnownHostsFile=" + directory.resolve("known_hosts"), "-o", "StrictHostKeyChecking=yes");
        }
        assertThat(directory).doesNotExist();
    }

    @Test
    void storedTlsCertificatesGoWhereLibvirtsPkipathLooks() throws Exception {
        try (CredentialFiles files = CredentialFiles.prepare("qemu+tls://kvm-01/system",
                new HostCredentials.StoredTls("ca".getBytes(), "cert".getBytes(), "key".getBytes()))) {
            Path directory = files.directory();
            assertThat(files.uri()).isEqualTo("qemu+tls://kvm-01/system?pkipath=" + directory);
            assertThat(Files.readString(directory.resolve("cacert.pem"))).isEqualTo("ca");
            assertThat(Files.readString(directory.resolve("clientcert.pem"))).isEqualTo("cert");
            assertThat(Files.readString(directory.resolve("clientkey.pem"))).isEqualTo("key");
        }
    }

    @Test
    void filesOnTheServerArePassedByPathEscapedAndNothingIsWritten() {
        try (CredentialFiles files = CredentialFiles.prepare("qemu+ssh://root@kvm-01/system",
                new HostCredentials.SshKeyFile(Path.of("/etc/virtdeck/keys/kvm 01&x"), null))) {
            assertThat(files.uri()).isEqualTo("qemu+ssh://root@kvm-01/system?keyfile=/etc/virtdeck/keys/kvm%2001%26x");
            assertThat(files.directory()).isNull();
        }
        try (CredentialFiles files = CredentialFiles.prepare("qemu:///system", HostCredentials.NONE)) {
            assertThat(files.uri()).isEqualTo("qemu:///system");
        }
    }

    @Test
    void parametersJoinAQueryAlreadyThereAndStayBeforeAFragment() {
        assertThat(CredentialFiles.withParameters("test+tls://h/default?", Map.of("pkipath", "/p")))
                .isEqualTo("test+tls://h/default?pkipath=/p");
        assertThat(CredentialFiles.withParameters("test+tls://h/default?a=1#frag", Map.of("pkipath", "/p")))
                .isEqualTo("test+tls://h/default?a=1&pkipath=/p#frag");
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
