package io.virtdeck.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A lean VNC client for benchmarks, the same on both sides of a comparison: straight to a {@link FakeVncServer} over
 * plain TCP ({@link #direct}), or through a console proxy's WebSocket ({@link #throughProxy}). It does the client's
 * half of {@link FakeVncServer#handshake}, then moves raw bytes, reading into one reused buffer.
 */
public final class VncClient implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private VncClient(Socket socket, InputStream in, OutputStream out) {
        this.socket = socket;
        this.in = new DataInputStream(in);
        this.out = out;
    }

    /** Connects to the display at 127.0.0.1:{@code port} and completes the RFB 3.8 handshake, through ServerInit. */
    public static VncClient direct(int port) throws IOException {
        Socket socket = connect(port);
        return handshaken(socket, socket.getInputStream(), socket.getOutputStream());
    }

    /**
     * Opens a console through the WebSocket proxy at {@code port}, Virtdeck's with a ticket's path or
     * {@link Websockify} at any path, and completes the handshake.
     */
    public static VncClient throughProxy(int port, String path) throws IOException {
        Socket socket = connect(port);
        try {
            WebSocketStreams streams = WebSocketStreams.open(socket, port, path);
            return handshaken(socket, streams.in(), streams.out());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads and throws away {@code count} bytes. */
    public void drain(long count) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long left = count;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("the server closed with " + left + " bytes still to come");
            }
            left -= read;
        }
    }

    /** Sends {@code message} and waits for as many bytes to come back (an echoing display). */
    public void roundTrip(byte[] message) throws IOException {
        out.write(message);
        out.flush();
        in.readFully(new byte[message.length]);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true); // as the proxy's own sockets: small messages go out at once
        return socket;
    }

    private static VncClient handshaken(Socket socket, InputStream in, OutputStream out) throws IOException {
        VncClient client = new VncClient(socket, in, out);
        try {
            client.handshake();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake() throws IOException {
        byte[] version = new byte[12];
        in.readFully(version);
        out.write(version); // the server's own version: 3.8
        out.flush();
        in.readFully(new byte[in.readUnsignedByte()]); // the security types offered
        out.write(1); // None
        out.flush();
        if (in.readInt() != 0) {
            throw new IOException("security result not OK from a " + new String(version, StandardCharsets.US_ASCII));
        }
        out.write(1); // ClientInit: shared
        out.flush();
        in.readFully(new byte[2 + 2 + 16]); // size and pixel format
        in.readFully(new byte[in.readInt()]); // name
    }
}
