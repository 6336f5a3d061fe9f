package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate authority made for one test with openssl: a server certificate for 127.0.0.1 and a client
 * certificate, both signed by it, plus a client certificate signed by another CA that the server must refuse. Files are
 * PEM, keys unencrypted PKCS#8.
 *
 * <p>The server certificate names 127.0.0.1 in a subjectAltName IP entry: libvirt 9.0's client checks the URI's host
 * against the certificate, and an address matches an IP entry only (measured: a CN of 127.0.0.1 alone, or a DNS entry
 * "localhost", fails with "Certificate owner does not match the hostname 127.0.0.1"); a name in the URI matches a DNS
 * entry, or the CN when there is no subjectAltName.
 */
public final class TestPki implements AutoCloseable {

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    public static TestPki create() throws Exception {
        Path dir = Files.createTempDirectory("virtdeck-pki-");
        TestPki pki = new TestPki(dir);
        pki.authority("ca", "Virtdeck test CA");
        pki.authority("other-ca", "Some other CA");
        pki.leaf("server", "ca", "127.0.0.1", "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n");
        pki.leaf("client", "ca", "virtdeck", "extendedKeyUsage=clientAuth\n");
        pki.leaf("rogue-client", "other-ca", "virtdeck", "extendedKeyUsage=clientAuth\n");
        return pki;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The text of one of the files: ca.pem, client.pem, client.key, rogue-client.pem, ... */
    public String pem(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path directory() {
        return dir;
    }

    /** Deletes the files (the keys among them). */
    @Override
    public void close() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void authority(String name, String commonName) throws Exception {
        Commands.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", file(name + ".key").toString(), "-out", file(name + ".pem").toString(),
                "-days", "2", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void leaf(String name, String authority, String commonName, String extensions) throws Exception {
        Path ext = file(name + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\n" + extensions);
        Commands.run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", file(name + ".key").toString(), "-out", file(name + ".csr").toString(),
                "-subj", "/CN=" + commonName);
        Commands.run("openssl", "x509", "-req", "-in", file(name + ".csr").toString(),
                "-CA", file(authority + ".pem").toString(), "-CAkey", file(authority + ".key").toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", file(name + ".pem").toString());
    }
}
