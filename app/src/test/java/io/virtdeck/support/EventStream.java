package io.virtdeck.support;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A page's server-sent event stream, read on a thread of its own. */
public final class EventStream implements AutoCloseable {

    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private final InputStream body;

    private EventStream(InputStream body) {
        this.body = body;
        Thread reader = new Thread(this::read, "event-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** The stream a page logged in to this instance opens. */
    public static EventStream open(int port) throws Exception {
        WebSession page = WebSession.login(port, Api.ADMIN, Api.ADMIN_PASSWORD);
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/events")).header("Cookie", page.cookieHeader())
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        EventStream stream = new EventStream(response.body());
        stream.next("ready", "", Duration.ofSeconds(10));
        return stream;
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:") && name != null) {
                    events.add(new String[] {name, line.substring(5).trim()});
                    name = null;
                }
            }
        } catch (java.io.IOException e) {
            // closed by the test
        }
    }

    /** The data of the next event of this name whose data holds {@code part}; fails after the limit. */
    public String next(String name, String part, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String[] event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event[0].equals(name) && event[1].contains(part)) {
                return event[1];
            }
        }
        throw new AssertionError("no '" + name + "' event with " + part + " within " + limit);
    }

    @Override
    public void close() throws Exception {
        body.close();
    }
}
