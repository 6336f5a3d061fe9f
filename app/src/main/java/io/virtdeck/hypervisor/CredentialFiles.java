package io.virtdeck.hypervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.virtdeck.core.HypervisorException;

/**
 * A host's URI with its credentials added as libvirt's remote URI parameters ({@code keyfile=}, {@code known_hosts=},
 * {@code pkipath=}). Stored material is written to a fresh 0700 directory of 0600 files for the time a connection
 * opens, and removed with {@link #close()}: libvirt reads keys and certificates while it connects (TLS handshake, SSH
 * authentication) and never again, so nothing secret stays on disk while the connection lives.
 */
final class CredentialFiles implements AutoCloseable {

    static final String SSH_KEY = "id";
    static final String KNOWN_HOSTS = "known_hosts";
    // the names libvirt looks for in a pkipath directory
    static final String CA_CERTIFICATE = "cacert.pem";
    static final String CLIENT_CERTIFICATE = "clientcert.pem";
    static final String CLIENT_KEY = "clientkey.pem";

    private final String uri;
    private final Path directory;
    private final Map<String, String> parameters;

    private CredentialFiles(String uri, Path directory, Map<String, String> parameters) {
        this.uri = uri;
        this.directory = directory;
        this.parameters = parameters;
    }

    /** The URI to open, with the credentials' parameters; files written for them when the material is stored. */
    static CredentialFiles prepare(String uri, HostCredentials credentials) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (credentials instanceof HostCredentials.SshKeyFile file) {
            parameters.put("keyfile", file.keyFile().toString());
            if (file.knownHostsFile() != null) {
                parameters.put("known_hosts", file.knownHostsFile().toString());
            }
        } else if (credentials instanceof HostCredentials.TlsDirectory tls) {
            parameters.put("pkipath", tls.pkiDirectory().toString());
        }
        boolean stored = credentials instanceof HostCredentials.StoredSshKey
                || credentials instanceof HostCredentials.StoredTls;
        if (!stored) {
            return new CredentialFiles(withParameters(uri, parameters), null, parameters);
        }
        Path directory = privateDirectory();
        try {
            if (credentials instanceof HostCredentials.StoredSshKey key) {
                parameters.put("keyfile", write(directory, SSH_KEY, key.privateKey()).toString());
                if (key.knownHosts() != null) {
                    parameters.put("known_hosts", write(directory, KNOWN_HOSTS, key.knownHosts()).toString());
                }
            } else if (credentials instanceof HostCredentials.StoredTls tls) {
                write(directory, CA_CERTIFICATE, tls.caCertificate());
                write(directory, CLIENT_CERTIFICATE, tls.clientCertificate());
                write(directory, CLIENT_KEY, tls.clientKey());
                parameters.put("pkipath", directory.toString());
            }
        } catch (RuntimeException e) {
            new CredentialFiles(uri, directory, parameters).close();
            throw e;
        }
        return new CredentialFiles(withParameters(uri, parameters), directory, parameters);
    }

    /**
     * The same SSH credentials as options of the OpenSSH client (the console's tunnel): the key alone, checked against
     * the known_hosts given, if any; none for TLS certificates or no credentials.
     */
    List<String> sshOptions() {
        List<String> options = new ArrayList<>();
        if (parameters.containsKey("keyfile")) {
            options.addAll(List.of("-o", "IdentitiesOnly=yes", "-i", parameters.get("keyfile")));
        }
        if (parameters.containsKey("known_hosts")) {
            options.addAll(List.of("-o", "UserKnownHostsFile=" + parameters.get("known_hosts"), "-o",
                    "StrictHostKeyChecking=yes"));
        }
        return options;
    }

    String uri() {
        return uri;
    }

    /** Where stored material was written; null for none or for files referenced by path. */
    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the credentials directory " + directory, e);
        }
    }

    /** Appends {@code name=value} parameters to a URI's query, values percent-encoded as libvirt unescapes them. */
    static String withParameters(String uri, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return uri;
        }
        List<String> pairs = new ArrayList<>();
        parameters.forEach((name, value) -> pairs.add(name + "=" + escape(value)));
        int fragment = uri.indexOf('#');
        String head = fragment < 0 ? uri : uri.substring(0, fragment);
        String tail = fragment < 0 ? "" : uri.substring(fragment);
        String separator = !head.contains("?") ? "?" : head.endsWith("?") || head.endsWith("&") ? "" : "&";
        return head + separator + String.join("&", pairs) + tail;
    }

    private static String escape(String value) {
        StringBuilder escaped = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "/._-~".indexOf(c) >= 0) {
                escaped.append(c);
            } else {
                escaped.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return escaped.toString();
    }

    private static Path privateDirectory() {
        try {
            return Files.createTempDirectory("virtdeck-credentials-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new HypervisorException(HypervisorException.Kind.FAILED,
                    "cannot make a private directory for the host's credentials: " + e.getMessage(), e);
        }
    }

    private static Path write(Path directory, String name, byte[] content) {
        Path file = directory.resolve(name);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new HypervisorException(HypervisorException.Kind.FAILED,
                    "cannot write the host's credentials to " + directory + ": " + e.getMessage(), e);
        }
    }
}
