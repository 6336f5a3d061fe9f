package io.virtdeck.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.jayway.jsonpath.JsonPath;

import static org.awaitility.Awaitility.await;

/** The REST API of a Virtdeck listening on a port, as the admin (HTTP Basic): for tests with a real server. */
public final class AdminApi {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    public AdminApi(int port) {
        this.port = port;
    }

    public HttpResponse<String> call(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", authorization()).header("Accept", "application/json").timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A PUT whose body is a file, streamed with its length (as an upload of an image is made). */
    public HttpResponse<String> putFile(String path, java.nio.file.Path file) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", authorization()).header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofMinutes(2)).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The admin's HTTP Basic Authorization header. */
    public static String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((Api.ADMIN + ":" + Api.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    public String get(String path) throws Exception {
        return call("GET", path, null).body();
    }

    /** The host's id, registering it first if this application does not know it; once it is CONNECTED. */
    public long hostIdOrRegister(String name, String uri) throws Exception {
        List<Number> known = JsonPath.read(get("/api/v1/hosts"), "$[?(@.name == '" + name + "')].id");
        long id = known.isEmpty() ? ((Number) JsonPath.read(call("POST", "/api/v1/hosts", "{\"name\":\"" + name
                + "\",\"uri\":\"" + uri + "\"}").body(), "$.id")).longValue() : known.get(0).longValue();
        await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.<String>read(get("/api/v1/hosts/" + id), "$.state"),
                "CONNECTED"::equals);
        return id;
    }

    /** The id of the guest with this name on this host, once the inventory shows it there. */
    public long guestIdOn(long hostId, String name) throws Exception {
        return await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.<List<Number>>read(get("/api/v1/guests?host="
                        + hostId + "&q=" + name), "$.items[?(@.name == '" + name + "')].id"), ids -> !ids.isEmpty())
                .get(0).longValue();
    }

    /** Waits for a task to end and returns it as JSON. */
    public String finished(long taskId, Duration limit) throws Exception {
        return await().atMost(limit).until(() -> get("/api/v1/tasks/" + taskId),
                body -> !List.of("QUEUED", "RUNNING").contains(JsonPath.<String>read(body, "$.state")));
    }
}
