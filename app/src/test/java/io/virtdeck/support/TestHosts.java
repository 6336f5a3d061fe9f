package io.virtdeck.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * libvirt test-driver hosts for tests. Each call copies a host file to a fresh path: libvirt gives every connection
 * to a file URI a private copy, so each registered host is its own little world.
 */
public final class TestHosts {

    private TestHosts() {
    }

    /** A URI for a new host with the guests of {@code hosts/small-host.xml}: alpha-web running, beta-db paused,
     * gamma-build shut off. */
    public static String smallHost() {
        try (InputStream in = TestHosts.class.getResourceAsStream("/hosts/small-host.xml")) {
            Path file = Files.createTempFile("virtdeck-host-", ".xml");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return "test://" + file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
