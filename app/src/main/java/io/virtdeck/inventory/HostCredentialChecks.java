package io.virtdeck.inventory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.HostCredentials;

/**
 * Turns the credentials given for a host into what the gateway presents, after checking that they fit the URI's
 * transport and look like what they claim to be: each fault a 400 naming its field ({@code credentials.<field>}).
 * Messages name fields and paths, never the material.
 */
final class HostCredentialChecks {

    private static final int MAX_PEM = 64 * 1024;
    private static final List<String> PKI_FILES = List.of("cacert.pem", "clientcert.pem", "clientkey.pem");

    private HostCredentialChecks() {
    }

    /** NONE when nothing was given. The URI has been checked already ({@link HostNames#checkUri}). */
    static HostCredentials check(String uri, HostCredentialsRequest request) {
        if (request == null || request.isEmpty()) {
            return HostCredentials.NONE;
        }
        String transport = transport(uri);
        if (HostCredentialsRequest.SSH_KEY.equals(request.type())) {
            return sshKey(transport, request);
        }
        if (HostCredentialsRequest.TLS.equals(request.type())) {
            return tls(uri, transport, request);
        }
        throw VirtdeckException.invalid("credentials.type", "credentials.type must be 'ssh-key' or 'tls'.");
    }

    private static HostCredentials sshKey(String transport, HostCredentialsRequest request) {
        if (!List.of("ssh", "libssh", "libssh2").contains(transport)) {
            throw VirtdeckException.invalid("credentials.type", "An SSH key needs an SSH URI "
                    + "(qemu+ssh://, qemu+libssh:// or qemu+libssh2://).");
        }
        boolean byPath = given(request.keyPath());
        if (byPath == given(request.privateKey())) {
            throw VirtdeckException.invalid("credentials.privateKey", "Give the SSH private key either as a file on "
                    + "the Virtdeck server (keyPath) or as PEM text to store encrypted (privateKey), not both.");
        }
        boolean knownHostsGiven = given(request.knownHosts()) || given(request.knownHostsPath());
        if (knownHostsGiven && "ssh".equals(transport)) {
            throw VirtdeckException.invalid("credentials.knownHosts", "libvirt's ssh transport runs OpenSSH, which "
                    + "takes no known_hosts file from the URI: use qemu+libssh:// for a known_hosts entry, or add "
                    + "the host's key to the known_hosts of the user Virtdeck runs as.");
        }
        if (byPath) {
            if (given(request.knownHosts())) {
                throw VirtdeckException.invalid("credentials.knownHosts", "With a key file, give known_hosts as a "
                        + "file too (knownHostsPath).");
            }
            Path knownHosts = given(request.knownHostsPath())
                    ? readableFile("credentials.knownHostsPath", request.knownHostsPath()) : null;
            return new HostCredentials.SshKeyFile(readableFile("credentials.keyPath", request.keyPath()), knownHosts);
        }
        if (given(request.knownHostsPath())) {
            throw VirtdeckException.invalid("credentials.knownHostsPath", "With a stored key, give the known_hosts "
                    + "entry as text too (knownHosts).");
        }
        byte[] key = pem("credentials.privateKey", request.privateKey(), "PRIVATE KEY-----",
                "an SSH private key (-----BEGIN OPENSSH PRIVATE KEY----- or another PEM private key)");
        byte[] knownHosts = null;
        if (given(request.knownHosts())) {
            String entries = normalized(request.knownHosts());
            if (entries.length() > MAX_PEM || entries.contains("-----BEGIN")) {
                throw VirtdeckException.invalid("credentials.knownHosts", "credentials.knownHosts must be known_hosts "
                        + "lines (host key-type base64-key), as ssh-keyscan prints them.");
            }
            knownHosts = entries.getBytes(StandardCharsets.UTF_8);
        }
        return new HostCredentials.StoredSshKey(key, knownHosts);
    }

    private static HostCredentials tls(String uri, String transport, HostCredentialsRequest request) {
        // without a transport, a URI naming a host connects over TLS (libvirt's default)
        boolean tls = "tls".equals(transport) || (transport == null && URI.create(uri).getHost() != null);
        if (!tls) {
            throw VirtdeckException.invalid("credentials.type", "TLS certificates need a TLS URI "
                    + "(qemu+tls://host/system).");
        }
        boolean anyPem = given(request.caCertificate()) || given(request.clientCertificate())
                || given(request.clientKey());
        if (given(request.pkiPath()) == anyPem) {
            throw VirtdeckException.invalid("credentials.pkiPath", "Give the TLS certificates either as a directory "
                    + "on the Virtdeck server holding cacert.pem, clientcert.pem and clientkey.pem (pkiPath), or as "
                    + "PEM text to store encrypted (caCertificate, clientCertificate, clientKey), not both.");
        }
        if (given(request.pkiPath())) {
            Path directory = absolute("credentials.pkiPath", request.pkiPath());
            if (!Files.isDirectory(directory)) {
                throw VirtdeckException.invalid("credentials.pkiPath", "credentials.pkiPath: " + directory
                        + " is not a directory on the Virtdeck server.");
            }
            for (String name : PKI_FILES) {
                if (!Files.isReadable(directory.resolve(name))) {
                    throw VirtdeckException.invalid("credentials.pkiPath", "credentials.pkiPath: " + directory
                            + " holds no readable " + name + " (libvirt needs cacert.pem, clientcert.pem and "
                            + "clientkey.pem there).");
                }
            }
            return new HostCredentials.TlsDirectory(directory);
        }
        String certificate = "-----BEGIN CERTIFICATE-----";
        return new HostCredentials.StoredTls(
                pem("credentials.caCertificate", request.caCertificate(), certificate, "a PEM CA certificate"),
                pem("credentials.clientCertificate", request.clientCertificate(), certificate,
                        "a PEM client certificate"),
                pem("credentials.clientKey", request.clientKey(), "PRIVATE KEY-----", "a PEM private key"));
    }

    /** The URI's transport (ssh in qemu+ssh), or null when it names none. */
    private static String transport(String uri) {
        String scheme = URI.create(uri).getScheme();
        int plus = scheme.indexOf('+');
        return plus < 0 ? null : scheme.substring(plus + 1);
    }

    private static byte[] pem(String field, String text, String marker, String what) {
        if (!given(text)) {
            throw VirtdeckException.invalid(field, field + " is required: " + what + ".");
        }
        String pem = normalized(text);
        if (pem.length() > MAX_PEM || !pem.contains("-----BEGIN") || !pem.contains(marker)) {
            throw VirtdeckException.invalid(field, field + " must be " + what + ".");
        }
        return pem.getBytes(StandardCharsets.UTF_8);
    }

    /** Line ends as the tools that read the file expect (a browser's textarea sends CRLF), ending with one. */
    private static String normalized(String text) {
        return text.strip().replace("\r\n", "\n") + "\n";
    }

    private static Path readableFile(String field, String path) {
        Path file = absolute(field, path);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw VirtdeckException.invalid(field, field + ": " + file + " is not a readable file on the Virtdeck "
                    + "server.");
        }
        return file;
    }

    private static Path absolute(String field, String path) {
        Path file;
        try {
            file = Path.of(path.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw VirtdeckException.invalid(field, field + " is not a valid path.");
        }
        if (!file.isAbsolute()) {
            throw VirtdeckException.invalid(field, field + " must be an absolute path on the Virtdeck server.");
        }
        return file.normalize();
    }

    private static boolean given(String value) {
        return !HostCredentialsRequest.blank(value);
    }
}
