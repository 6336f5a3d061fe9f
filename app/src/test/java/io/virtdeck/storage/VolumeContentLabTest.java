package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.virtdeck.support.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Volume content through a real HTTP server into a real libvirtd (lab1's images pool): a qcow2 image made with qemu-img
 * goes up and comes back with an equal sha256; requests without a length or beyond the pool are refused before
 * anything is made; and in Chromium an operator uploads a file on the Storage page and watches the bar fill.
 */
@VirtdeckServerTest
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumeContentLabTest {

    private static final List<String> MADE = List.of("up-known.qcow2", "up-browser.qcow2", "up-huge.qcow2",
            "up-chunked.qcow2", "up-cancelled.raw");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private AdminApi api;
    private long lab1;
    private String volumes;

    @BeforeAll
    void lab1() throws Exception {
        api = new AdminApi(port);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        volumes = "/api/v1/hosts/" + lab1 + "/pools/images/volumes/";
        removeWhatWasMade();
    }

    @AfterAll
    void removeWhatWasMade() throws Exception {
        for (String name : MADE) {
            api.call("DELETE", volumes + name, null);
        }
    }

    @Test
    void aQcow2ImageGoesUpAndComesBackWithAnEqualChecksum(@TempDir Path dir) throws Exception {
        Path image = knownQcow2(dir.resolve("known.qcow2"), "4M");
        HttpResponse<String> uploaded = api.putFile(volumes + "up-known.qcow2/content?format=qcow2", image);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        assertThat(JsonPath.<String>read(uploaded.body(), "$.state")).isEqualTo("SUCCEEDED");
        assertThat(JsonPath.<String>read(uploaded.body(), "$.type")).isEqualTo("volume.upload");

        // libvirt looks at the uploaded bytes once the upload has ended (its pool refresh): qcow2, not raw
        String volume = await().atMost(Duration.ofSeconds(10)).until(() -> api.get(volumes.substring(0,
                        volumes.length() - 1)), body -> JsonPath.<List<String>>read(body,
                "$[?(@.name == 'up-known.qcow2')].format").contains("qcow2"));
        String path = JsonPath.<List<String>>read(volume, "$[?(@.name == 'up-known.qcow2')].path").get(0);
        assertThat(run("qemu-img", "compare", "-U", image.toString(), path)).contains("Images are identical");

        HttpResponse<InputStream> downloaded = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + volumes + "up-known.qcow2/content")).header("Authorization", AdminApi.authorization())
                .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(downloaded.statusCode()).isEqualTo(200);
        assertThat(downloaded.headers().firstValueAsLong("Content-Length")).hasValue(Files.size(image));
        assertThat(downloaded.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("attachment").contains("up-known.qcow2");
        assertThat(sha256(downloaded.body())).isEqualTo(sha256(Files.newInputStream(image)));
    }

    @Test
    void anUploadWithoutALengthOrBeyondThePoolIsRefusedAndLeavesNothing() throws Exception {
        String huge = rawPut(volumes + "up-huge.qcow2/content", "Content-Length: " + (1L << 50));
        assertThat(huge).startsWith("HTTP/1.1 400").contains("\"field\":\"Content-Length\"").contains("free");
        String chunked = rawPut(volumes + "up-chunked.qcow2/content", "Transfer-Encoding: chunked");
        assertThat(chunked).startsWith("HTTP/1.1 400").contains("\"field\":\"Content-Length\"")
                .contains("required");
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).doesNotContain("up-huge").doesNotContain("up-chunked");
    }

    @Test
    void anUploadCancelledMidwayEndsCancelledAndLeavesNoVolume() throws Exception {
        long length = 64L << 20; // sent slowly: about 20 s, far longer than the cancel takes
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + volumes + "up-cancelled.raw/content?format=raw"))
                .header("Authorization", AdminApi.authorization()).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> trickle(length)), length)).build(), HttpResponse.BodyHandlers.ofString());
        List<Number> running = await().atMost(Duration.ofSeconds(30)).until(() -> JsonPath.<List<Number>>read(
                api.get("/api/v1/tasks?active=true"), "$.items[?(@.objectName == 'up-cancelled.raw')].id"),
                ids -> !ids.isEmpty());
        long task = running.get(0).longValue();
        assertThat(api.call("POST", "/api/v1/tasks/" + task + "/cancel", null).statusCode()).isEqualTo(200);

        String ended = api.finished(task, Duration.ofSeconds(30));
        assertThat(JsonPath.<String>read(ended, "$.state")).as(ended).isEqualTo("CANCELLED");
        try {
            HttpResponse<String> response = answer.get(1, TimeUnit.MINUTES);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
            assertThat(response.body()).contains("cancelled");
        } catch (ExecutionException e) {
            // the server may close the connection while the client is still sending: the task says what happened
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).doesNotContain("up-cancelled");
    }

    /** {@code length} zero bytes, 64 KiB at a time with a pause before each. */
    private static InputStream trickle(long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] buffer, int offset, int wanted) {
                if (left == 0) {
                    return -1;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
                int given = (int) Math.min(Math.min(wanted, 64 * 1024), left);
                java.util.Arrays.fill(buffer, offset, offset + given, (byte) 0);
                left -= given;
                return given;
            }
        };
    }

    @Test
    void anOperatorUploadsOnTheStoragePageAndWatchesTheBarFill(@TempDir Path dir) throws Exception {
        Path image = knownQcow2(dir.resolve("up-browser.qcow2"), "48M"); // big enough to watch it go
        try (Browser browser = Browser.start(port)) {
            WebDriver driver = browser.driver();
            browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
            browser.open("/hosts/" + lab1 + "/storage?pool=images");
            driver.findElement(By.id("upload-file")).sendKeys(image.toString());
            browser.inView(driver.findElement(By.xpath("//button[text()='Upload']"))).click();

            TreeSet<Integer> seen = new TreeSet<>();
            boolean shotUnderWay = false;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            String state;
            do {
                Object value = browser.js().executeScript(
                        "return document.querySelector('#upload-form progress').value;");
                seen.add(((Number) value).intValue());
                state = driver.findElement(By.id("upload-form")).getAttribute("data-upload-state");
                if (!shotUnderWay && seen.last() > 5 && seen.last() < 95) {
                    browser.screenshot("volume-upload-progress.png");
                    shotUnderWay = true;
                }
                assertThat(System.nanoTime()).as("the upload ends within 2 minutes").isLessThan(deadline);
            } while ("sending".equals(state));
            browser.screenshot("volume-upload-done.png");

            assertThat(state).as(driver.findElement(By.cssSelector("[data-upload-status]")).getText())
                    .isEqualTo("done");
            assertThat(((Number) browser.js().executeScript("return document.querySelector('#upload-form progress')"
                    + ".value;")).intValue()).as("the bar, once done").isEqualTo(100);
            assertThat(seen.subSet(1, 99)).as("values between start and end: " + seen).isNotEmpty();
            assertThat(driver.findElement(By.cssSelector("[data-upload-status]")).getText())
                    .contains("Uploaded").contains("up-browser.qcow2");
            browser.submitAndWait(driver.findElement(By.linkText("Show the volumes again")));
            assertThat(driver.findElement(By.cssSelector("section")).getText()).contains("up-browser.qcow2");
            assertThat(driver.findElements(By.cssSelector("a[aria-label='Download volume up-browser.qcow2']")))
                    .hasSize(1);
        }
        assertThat(Lab.virsh(Lab.LAB1, "vol-list", "images")).contains("up-browser.qcow2");
    }

    /** A qcow2 image made with qemu-img with a known pattern written over most of {@code size}. */
    private static Path knownQcow2(Path image, String size) throws Exception {
        run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), size);
        long mib = Long.parseLong(size.replace("M", ""));
        run("qemu-io", "-c", "write -P 0x5a 1M " + (mib - 1) + "M", image.toString());
        return image;
    }

    /**
     * A PUT written by hand, for headers an HTTP client will not send as given (a huge Content-Length, none at all),
     * with a little of a body after them; returns the answer as text.
     */
    private String rawPut(String path, String lengthHeader) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String chunk = lengthHeader.startsWith("Transfer-Encoding") ? "4\r\nQFI\u00fb\r\n0\r\n\r\n" : "QFI\u00fb";
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + AdminApi.authorization()
                    + "\r\nContent-Type: application/octet-stream\r\n" + lengthHeader + "\r\nConnection: close\r\n\r\n"
                    + chunk).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // the answer comes at once; the connection stays open a while after it (Tomcat drains the body)
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int next = in.read();
                assertThat(next).as("the answer so far: " + head).isNotNegative();
                head.append((char) next);
            }
            // a short JSON error: one chunk, whose size line comes first
            assertThat(head.toString()).containsIgnoringCase("Transfer-Encoding: chunked");
            StringBuilder size = new StringBuilder();
            for (int next = in.read(); next != '\r'; next = in.read()) {
                size.append((char) next);
            }
            in.read(); // the line's \n
            return head + new String(in.readNBytes(Integer.parseInt(size.toString(), 16)), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }
}
