package io.virtdeck.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        return copyOf("small-host.xml", text -> text);
    }

    /** As {@link #smallHost()}, with gamma-build crashed (libvirt's state 6) instead of shut off (5). */
    public static String smallHostWithACrashedGuest() {
        return copyOf("small-host.xml", text -> text.replace("<test:runstate>5</test:runstate>",
                "<test:runstate>6</test:runstate>"));
    }

    /**
     * A URI for a new host with {@code hosts/console-host.xml}: console-vm running with its VNC display at
     * 127.0.0.1:{@code vncPort} (a {@link FakeVncServer}), console-off shut off.
     */
    public static String consoleHost(int vncPort) {
        return copyOf("console-host.xml", text -> text.replace("VNC_PORT", Integer.toString(vncPort)));
    }

    /** kind-vm (a virtual machine, shut off) and kind-ct (a container, running): the guest list's kind. */
    public static String containerHost() {
        return copyOf("container-host.xml", text -> text);
    }

    /** Guests with a serial port: one without a display, one with both, one shut off (SerialConsoleTest). */
    public static String serialHost() {
        return copyOf("serial-host.xml", text -> text);
    }

    /** The same host whose console-vm's display listens on a UNIX socket at {@code socket}, with no TCP port. */
    public static String consoleHostOnSocket(Path socket) {
        return copyOf("console-host.xml", text -> text.replace(
                "<graphics type=\"vnc\" port=\"VNC_PORT\" autoport=\"no\" listen=\"127.0.0.1\"/>",
                "<graphics type=\"vnc\" socket=\"" + socket + "\"/>"));
    }

    private static String copyOf(String resource, java.util.function.UnaryOperator<String> edit) {
        try (InputStream in = TestHosts.class.getResourceAsStream("/hosts/" + resource)) {
            Path file = Files.createTempFile("virtdeck-host-", ".xml");
            Files.writeString(file, edit.apply(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            return "test://" + file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
