package io.virtdeck.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A UNIX socket that passes every connection on to a TCP port of this machine, both ways: a {@link FakeVncServer}
 * seen as a display listening on a socket ({@code <listen type='socket'/>}).
 */
public final class UnixSocketRelay implements AutoCloseable {

    private final Path directory;
    private final Path socket;
    private final ServerSocketChannel server;

    public UnixSocketRelay(int tcpPort) throws IOException {
        directory = Files.createTempDirectory("virtdeck-vnc-socket-");
        socket = directory.resolve("vnc.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(() -> acceptLoop(tcpPort), "unix-socket-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(directory);
    }

    private void acceptLoop(int tcpPort) {
        try {
            while (true) {
                SocketChannel client = server.accept();
                SocketChannel display = SocketChannel.open(new InetSocketAddress("127.0.0.1", tcpPort));
                pipe(client, display);
                pipe(display, client);
            }
        } catch (IOException closed) {
            // the relay was closed
        }
    }

    private static void pipe(SocketChannel from, SocketChannel to) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            try (from; to) {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // one side closed: both close
            }
        }, "unix-socket-relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }
}
