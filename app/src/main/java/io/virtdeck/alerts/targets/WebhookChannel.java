package io.virtdeck.alerts.targets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

/**
 * POSTs an alert's JSON to a webhook (README: Alerts, webhooks). Headers: {@code X-Virtdeck-Signature:
 * sha256=<hex HMAC-SHA256 of the exact body, keyed with the target's signing key>}; {@code X-Virtdeck-Timestamp}, the
 * attempt's time in seconds since 1970 (not signed: the signed body carries the alert's own time, {@code at}, and a
 * receiver that refuses replays compares that); {@code X-Virtdeck-Delivery}, the delivery's id, the same on every
 * attempt (a receiver drops repeats by it). Any 2xx answer is sent; redirects are not followed.
 */
@Component
class WebhookChannel {

    static final String SIGNATURE = "X-Virtdeck-Signature";
    static final String TIMESTAMP = "X-Virtdeck-Timestamp";
    static final String DELIVERY = "X-Virtdeck-Delivery";

    /** One client per timeout (the sender's, the test button's): its connections are reused. */
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    /** Sends; returns the receiver's answer in plain words, or throws what went wrong in plain words. */
    String send(AlertTarget target, String key, OutgoingAlert alert, Duration timeout) throws DeliveryFailure {
        URI url = URI.create(target.webhook().url());
        String where = url.getHost() + ":" + (url.getPort() != -1 ? url.getPort()
                : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
        byte[] body = alert.json().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Virtdeck")
                .header(TIMESTAMP, Long.toString(Instant.now().getEpochSecond()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header(SIGNATURE, "sha256=" + sign(key, body));
        }
        if (alert.deliveryId() != null) {
            request.header(DELIVERY, alert.deliveryId().toString());
        }
        HttpResponse<String> answer;
        try {
            answer = client(timeout).send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String network = NetworkTrouble.words(e, where, timeout);
            throw new DeliveryFailure(network != null ? network : "the request to " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure("the request to " + url + " was cut short: Virtdeck is stopping");
        }
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return "the receiver answered " + status;
        }
        String said = answer.body() == null ? "" : answer.body().strip();
        throw new DeliveryFailure("the receiver answered " + status
                + (said.isEmpty() ? "" : ": " + (said.length() > 200 ? said.substring(0, 200) + "…" : said)));
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} keyed with {@code key} (UTF-8): what a receiver computes to compare. */
    static String sign(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        }
    }

    private HttpClient client(Duration timeout) {
        // HTTP/1.1: every receiver speaks it, and an http:// receiver is not asked to upgrade to HTTP/2 (an upgrade
        // answered 204 left the JDK's client waiting for a body)
        return clients.computeIfAbsent(timeout, t -> HttpClient.newBuilder().connectTimeout(t)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build());
    }
}
