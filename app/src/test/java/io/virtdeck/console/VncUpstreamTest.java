package io.virtdeck.console;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.virtdeck.hypervisor.VncEndpoint;
import io.virtdeck.support.FakeVncServer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy's login to a guest's display, directly and through an SSH client. */
class VncUpstreamTest {

    @Test
    void aDisplayBehindSshIsReachedThroughTheSshClientsStdio() throws Exception {
        Path args = Files.createTempFile("ssh-args", ".txt");
        // a stand-in for `ssh -W host:port destination`: records how it was called, then carries the bytes itself
        Path ssh = Files.createTempFile("ssh", ".sh");
        Files.writeString(ssh, """
                #!/bin/bash
                echo "$@" > "%s"
                while [ $# -gt 0 ]; do [ "$1" = -W ] && target="$2"; shift; done
                exec 3<>"/dev/tcp/${target%%:*}/${target##*:}"
                cat <&3 & cat >&3
                """.formatted(args));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        try (FakeVncServer display = new FakeVncServer(FakeVncServer.Mode.ECHO);
             VncUpstream upstream = VncUpstream.open(new VncEndpoint("127.0.0.1", display.port(),
                     "virt@kvm7.example.net", 2222), null, ssh.toString(), List.of("-i", "/keys/kvm7"))) {
            upstream.out().write(1); // ClientInit
            upstream.out().flush();
            DataInputStream in = new DataInputStream(java.nio.channels.Channels.newInputStream(upstream.source()));
            byte[] serverInit = new byte[24 + FakeVncServer.NAME.length()];
            in.readFully(serverInit);
            assertThat(new String(serverInit, StandardCharsets.US_ASCII)).endsWith(FakeVncServer.NAME);
            assertThat(Files.readString(args)).contains("-W 127.0.0.1:" + display.port())
                    .contains("-p 2222").contains("BatchMode=yes")
                    .endsWith("-i /keys/kvm7 virt@kvm7.example.net\n"); // the host's key, before the destination
        } finally {
            Files.deleteIfExists(ssh);
            Files.deleteIfExists(args);
        }
    }

    @Test
    void aDisplayThatWantsAPasswordVirtdeckCouldNotSetIsRefusedWithTheReason() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread display = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().readNBytes(12);
                    socket.getOutputStream().write(new byte[] {1, VncUpstream.VNC_AUTH});
                    socket.getInputStream().read();
                } catch (IOException e) {
                    // the client hung up, as it should
                }
            });
            display.start();
            assertThatThrownBy(() -> VncUpstream.open(new VncEndpoint("127.0.0.1", server.getLocalPort(), null, -1),
                    null, "ssh", List.of()))
                    .isInstanceOf(ConsoleRefusedException.class).hasMessageContaining("asks for a password");
            display.join(5000);
        }
    }
}
