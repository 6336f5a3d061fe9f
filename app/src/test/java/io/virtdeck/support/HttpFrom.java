package io.virtdeck.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.0 from a chosen local address (127.0.0.2, 127.0.0.3, ...: all the loopback's), so that a test has clients
 * of distinct real addresses. Java's HttpClient cannot choose its local address before Java 19.
 */
public final class HttpFrom {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" (?:type=\"hidden\" )?(?:value|content)=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");

    /** Header names in lower case, each with its last value. */
    public record Response(int status, Map<String, String> headers, String body) {
    }

    private final String localAddress;
    private final int port;
    private String session;

    public HttpFrom(String localAddress, int port) {
        this.localAddress = localAddress;
        this.port = port;
    }

    /** A request with HTTP Basic credentials and any further headers (e.g. a forged X-Forwarded-For). */
    public Response basic(String path, String user, String password, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
        return send("GET", path, all, null);
    }

    /** The login form, as a browser fills it in: the answer is the redirect to "/" or to "/login?error". */
    public Response login(String user, String password) throws IOException {
        Matcher token = CSRF.matcher(send("GET", "/login", Map.of(), null).body());
        if (!token.find()) {
            throw new AssertionError("no CSRF token on /login");
        }
        return send("POST", "/login", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "username=" + encode(user) + "&password=" + encode(password) + "&_csrf=" + encode(token.group(1)));
    }

    public Response send(String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: localhost:" + port
                    + "\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (session != null) {
                request.append("Cookie: JSESSIONID=").append(session).append("\r\n");
            }
            request.append("Content-Length: ").append(content.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.put(name, value);
            Matcher cookie = SESSION.matcher(value);
            if (name.equals("set-cookie") && cookie.lookingAt()) {
                session = cookie.group(1);
            }
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, end < 0 ? "" : text.substring(end + 4));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
