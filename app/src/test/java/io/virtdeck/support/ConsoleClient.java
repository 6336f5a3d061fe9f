package io.virtdeck.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A console WebSocket client for tests and benchmarks: gathers the bytes the proxy sends (or, after
 * {@link #countOnly()}, just counts them) and reports how the connection closed, or why the handshake was refused.
 */
public final class ConsoleClient implements AutoCloseable {

    /** The proxy's answer to a refused handshake. */
    public record Refusal(int status, String body) {
    }

    /** One client for all consoles: a client per console would bring a selector thread per console. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final Received received;
    private final CompletableFuture<String> closed;

    private ConsoleClient(WebSocket socket, Received received, CompletableFuture<String> closed) {
        this.socket = socket;
        this.received = received;
        this.closed = closed;
    }

    /**
     * Opens {@code ws://localhost:port/console/ws?ticket=...} with the given extra headers (e.g. a session cookie);
     * from Virtdeck's own origin unless they name another "Origin".
     */
    public static ConsoleClient open(int port, String path, Map<String, String> headers) throws Exception {
        return open(port, path, headers, Duration.ofSeconds(5));
    }

    /** As {@link #open(int, String, Map)}, waiting up to {@code patience} for the opening handshake's answer. */
    private static ConsoleClient open(int port, String path, Map<String, String> headers, Duration patience)
            throws Exception {
        Received received = new Received();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder()
                .connectTimeout(patience); // java.net.http also times the opening handshake with it
        if (headers.keySet().stream().noneMatch("Origin"::equalsIgnoreCase)) {
            builder.header("Origin", "http://localhost:" + port);
        }
        headers.forEach(builder::header);
        WebSocket socket = builder.buildAsync(URI.create("ws://localhost:" + port + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                received.take(data);
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode + " " + reason);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete("error " + error);
            }
        }).get(patience.toSeconds() + 5, TimeUnit.SECONDS);
        return new ConsoleClient(socket, received, closed);
    }

    /** The handshake's refusal, or null when the WebSocket opened (it is closed again at once). */
    public static Refusal refusal(int port, String path, Map<String, String> headers) throws Exception {
        try (ConsoleClient opened = open(port, path, headers)) {
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                return new Refusal(refused.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw e;
        }
    }

    public void send(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
    }

    /** Waits until at least {@code count} bytes have arrived, and returns all received so far. */
    public byte[] awaitBytes(int count, Duration timeout) throws InterruptedException {
        return received.await(count, timeout);
    }

    /** Waits until at least {@code count} bytes have arrived in all (kept or only counted). */
    public void awaitTotal(long count, Duration timeout) throws InterruptedException {
        received.await(count, timeout);
    }

    /** How many bytes have arrived in all. */
    public long total() {
        return received.total();
    }

    /** From now on arriving bytes are only counted, not kept: a benchmark streams gigabytes through. */
    public void countOnly() {
        received.countOnly();
    }

    /** Whether the connection has closed (or failed). */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** How the proxy closed the connection ("code reason"). */
    public String awaitClose(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * For benchmarks: opens a console with a ticket's path (or any path of websockify's port), completes the RFB
     * handshake through the display's ServerInit as noVNC does (the display is a {@link FakeVncServer}), and from
     * then on only counts what arrives.
     */
    public static ConsoleClient openCounting(int port, String path) throws Exception {
        // patient: the browser's WebSocket API sets no time limit on the opening handshake, and websockify, opened
        // 200 times at once, answers them one process start after the other
        ConsoleClient console = open(port, path, Map.of(), Duration.ofSeconds(60));
        try {
            // patient as noVNC, which sets no time limit on the greeting: many consoles opened at once on one guest
            // log in to its display one after the other
            console.awaitBytes(12, Duration.ofSeconds(60));
            console.sayHello();
            console.awaitBytes(FakeVncServer.HANDSHAKE_BYTES, Duration.ofSeconds(10));
            console.countOnly();
            return console;
        } catch (Exception | AssertionError e) {
            console.close();
            throw e;
        }
    }

    /** RFB as noVNC speaks it after the proxy's version: version, security None, ClientInit (shared). */
    public void sayHello() throws Exception {
        send("RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        awaitBytes(12 + 2, Duration.ofSeconds(5));
        send(new byte[] {1});
        awaitBytes(12 + 2 + 4, Duration.ofSeconds(5));
        send(new byte[] {1});
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
        socket.abort();
    }

    /** What has arrived: every byte counted, kept until {@link #countOnly()}; waiters wake when their count is reached. */
    private static final class Received {

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private boolean keep = true;
        private long total;
        private long wanted = Long.MAX_VALUE;

        synchronized void take(ByteBuffer data) {
            int length = data.remaining();
            if (keep) {
                byte[] bytes = new byte[length];
                data.get(bytes);
                kept.writeBytes(bytes);
            } else {
                data.position(data.limit());
            }
            total += length;
            if (total >= wanted) {
                notifyAll(); // only then: waking the waiter for every message would cost a benchmark its CPU
            }
        }

        synchronized byte[] await(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (total < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + total + " of " + count + " bytes arrived: "
                            + new String(kept.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                wanted = count;
                wait(Math.max(1, left / 1_000_000));
            }
            wanted = Long.MAX_VALUE;
            return kept.toByteArray();
        }

        synchronized long total() {
            return total;
        }

        synchronized void countOnly() {
            keep = false;
            kept.reset();
        }
    }
}
