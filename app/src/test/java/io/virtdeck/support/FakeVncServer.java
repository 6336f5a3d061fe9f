package io.virtdeck.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A VNC-like server for tests and benchmarks: the RFB 3.8 handshake with no authentication, a ServerInit, and then
 * either an echo of everything the client sends ({@link Mode#ECHO}, for latency) or an endless stream of bytes
 * ({@link Mode#STREAM}, for throughput). Counts the connections that reached it.
 */
public final class FakeVncServer implements AutoCloseable {

    public enum Mode { ECHO, STREAM }

    public static final String NAME = "fake-vnc";
    /** What the server sends before the session proper: version, security types, result, ServerInit with its name. */
    public static final int HANDSHAKE_BYTES = 12 + 2 + 4 + 24 + NAME.length();
    /** The name of the thread serving each connection (a benchmark tells the display's CPU time from the rest). */
    public static final String SESSION_THREAD = "fake-vnc-session";

    private final ServerSocket server;
    private final Mode mode;
    private final AtomicInteger connections = new AtomicInteger();

    public FakeVncServer(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fake-vnc-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many TCP connections reached the server (a refused ticket must not add one). */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread serve = new Thread(() -> serve(socket), SESSION_THREAD);
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            handshake(in, out);
            if (mode == Mode.ECHO) {
                in.transferTo(out);
            } else {
                stream(out);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** RFB 3.8, security type None, then ClientInit and a 640x480 ServerInit named {@value #NAME}. */
    public static void handshake(DataInputStream in, DataOutputStream out) throws IOException {
        out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in.readFully(new byte[12]);
        out.write(new byte[] {1, 1});
        out.flush();
        if (in.readUnsignedByte() != 1) {
            throw new IOException("the client did not choose None");
        }
        out.writeInt(0);
        out.flush();
        in.readUnsignedByte(); // ClientInit: shared flag
        out.writeShort(640);
        out.writeShort(480);
        out.write(new byte[] {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0});
        byte[] name = NAME.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(name.length);
        out.write(name);
        out.flush();
    }

    private static void stream(OutputStream out) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        while (true) {
            out.write(chunk);
        }
    }
}
