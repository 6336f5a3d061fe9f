package io.virtdeck.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client's connection as two plain streams, for benchmarks: the payload of the server's binary messages
 * read straight into the caller's buffer, and each {@code flush()} of the output sent as one binary message. A
 * blocking socket and no threads of its own, like {@link DirectVncClient}'s plain TCP, so that a comparison of the two
 * measures the proxy rather than a client library (java.net.http's WebSocket tops out near the proxy's own rate on
 * this machine: it reads 16 KiB at a time and hands each piece between threads).
 */
public final class WebSocketStreams {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final InputStream in;
    private final OutputStream out;

    private WebSocketStreams(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** Opens {@code ws://localhost:port/path} on a connected socket (same origin), with RFC 6455's opening handshake. */
    public static WebSocketStreams open(Socket socket, int port, String path) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        OutputStream raw = socket.getOutputStream();
        raw.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Origin: http://localhost:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        raw.flush();
        DataInputStream response = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        String head = readHead(response);
        if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept(key))) {
            throw new IOException("the WebSocket handshake was refused: " + head);
        }
        return new WebSocketStreams(new Payload(response), new Messages(raw));
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    private static String readHead(DataInputStream response) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            head.append((char) response.readUnsignedByte());
        }
        return head.toString();
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The payload of the server's data messages, one after the other; a close message ends the stream. */
    private static final class Payload extends InputStream {

        private final DataInputStream frames;
        private long left;
        private boolean closed;

        Payload(DataInputStream frames) {
            this.frames = frames;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (left == 0 && !closed) {
                nextFrame();
            }
            if (closed) {
                return -1;
            }
            int read = frames.read(buffer, offset, (int) Math.min(length, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }

        /** Reads a frame's header; the server sends unmasked frames. Control frames other than close are skipped. */
        private void nextFrame() throws IOException {
            int opcode = frames.readUnsignedByte() & 0x0f;
            int length = frames.readUnsignedByte() & 0x7f;
            long size = length == 126 ? frames.readUnsignedShort() : length == 127 ? frames.readLong() : length;
            if (opcode == 0x8) {
                closed = true;
            } else if (opcode >= 0x8) {
                frames.skipNBytes(size);
            } else {
                left = size;
            }
        }
    }

    /** Gathers what is written; each flush sends it as one masked binary message, as a browser's send() does. */
    private static final class Messages extends OutputStream {

        private final OutputStream socket;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Messages(OutputStream socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            pending.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            byte[] payload = pending.toByteArray();
            pending.reset();
            if (payload.length == 0) {
                return;
            }
            if (payload.length > 125) {
                throw new IOException("a benchmark sends small messages only, not " + payload.length + " bytes");
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x82; // FIN, binary
            frame[1] = (byte) (0x80 | payload.length); // masked, as every client frame must be
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            socket.write(frame);
            socket.flush();
        }
    }
}
