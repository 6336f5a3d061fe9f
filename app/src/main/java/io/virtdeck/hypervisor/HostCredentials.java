package io.virtdeck.hypervisor;

import java.nio.file.Path;

/**
 * What Virtdeck presents to a remote host besides its URI: an SSH private key (qemu+ssh, +libssh, +libssh2) or a TLS
 * CA and client certificate (qemu+tls). Either files on the Virtdeck server that libvirt reads itself, or material
 * Virtdeck stores encrypted, handed over here decrypted and written to disk only while a connection opens
 * ({@link CredentialFiles}). {@code toString} never shows the material.
 */
public sealed interface HostCredentials {

    /** No credentials: libvirt's defaults (the server user's ~/.ssh, /etc/pki) apply. */
    HostCredentials NONE = new None();

    record None() implements HostCredentials {
    }

    /**
     * @param keyFile the private key, passed as {@code keyfile=}
     * @param knownHostsFile null, or an OpenSSH known_hosts file, passed as {@code known_hosts=} (libssh transports)
     */
    record SshKeyFile(Path keyFile, Path knownHostsFile) implements HostCredentials {
    }

    /** @param knownHosts null, or known_hosts lines for the host (libssh transports) */
    record StoredSshKey(byte[] privateKey, byte[] knownHosts) implements HostCredentials {
        @Override
        public String toString() {
            return "StoredSshKey[material hidden]";
        }
    }

    /** @param pkiDirectory holds cacert.pem, clientcert.pem and clientkey.pem, passed as {@code pkipath=} */
    record TlsDirectory(Path pkiDirectory) implements HostCredentials {
    }

    record StoredTls(byte[] caCertificate, byte[] clientCertificate, byte[] clientKey) implements HostCredentials {
        @Override
        public String toString() {
            return "StoredTls[material hidden]";
        }
    }
}
