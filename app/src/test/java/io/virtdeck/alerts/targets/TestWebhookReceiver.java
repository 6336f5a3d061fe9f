package io.virtdeck.alerts.targets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on 127.0.0.1 for one test: keeps every POST (headers, exact body, when it came) and answers
 * with the status set last. Public for the alert rules' tests, which send through real targets too.
 */
public final class TestWebhookReceiver implements AutoCloseable {

    /** A request as it arrived. */
    public record Request(String signature, String timestamp, String delivery, String contentType, byte[] body, Instant at) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status;

    private TestWebhookReceiver(int status) throws IOException {
        this.status = status;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(headers.getFirst(WebhookChannel.SIGNATURE), headers.getFirst(WebhookChannel.TIMESTAMP),
                    headers.getFirst(WebhookChannel.DELIVERY), headers.getFirst("Content-Type"), body, Instant.now()));
            byte[] answer = (this.status == 500 ? "database is down" : "").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(this.status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    public static TestWebhookReceiver answering(int status) throws IOException {
        return new TestWebhookReceiver(status);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void answer(int status) {
        this.status = status;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
