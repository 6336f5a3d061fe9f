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
 * A console WebSocket client for tests: gathers the bytes the proxy sends and reports how the connection closed, or
 * why the handshake was refused.
 */
public final class ConsoleClient implements AutoCloseable {

    /** The proxy's answer to a refused handshake. */
    public record Refusal(int status, String body) {
    }

    private final WebSocket socket;
    private final ByteArrayOutputStream received;
    private final CompletableFuture<String> closed;

    private ConsoleClient(WebSocket socket, ByteArrayOutputStream received, CompletableFuture<String> closed) {
        this.socket = socket;
        this.received = received;
        this.closed = closed;
    }

    /** Opens {@code ws://localhost:port/console/ws?ticket=...} with the given extra headers (e.g. a session cookie). */
    public static ConsoleClient open(int port, String path, Map<String, String> headers) throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .header("Origin", "http://localhost:" + port);
        headers.forEach(builder::header);
        WebSocket socket = builder.buildAsync(URI.create("ws://localhost:" + port + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                synchronized (received) {
                    received.writeBytes(bytes);
                    received.notifyAll();
                }
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
        }).get(10, TimeUnit.SECONDS);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + received.size() + " of " + count + " bytes arrived: "
                            + new String(received.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
            return received.toByteArray();
        }
    }

    /** How the proxy closed the connection ("code reason"). */
    public String awaitClose(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
}
