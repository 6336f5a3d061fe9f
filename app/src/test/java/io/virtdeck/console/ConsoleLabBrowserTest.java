package io.virtdeck.console;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console for real: help desk opens tiny1's console in Chromium on the lab, sees the guest's own screen (the
 * canvas matches libvirt's screenshot of the guest, pixel for pixel), sends Ctrl-Alt-Del and types text that the guest
 * runs; the console follows tiny1 across a live migration by reconnecting; ADMIN sees and closes the session.
 */
@VirtdeckServerTest
@UsesBrowser
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLabBrowserTest {

    private static final String PASSWORD = "lab-console-pw";
    private static final Path CONSOLE_LOG = Lab.DIR.resolve("tiny1-console.log");

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private AdminApi api;
    private Browser browser;
    private WebDriver driver;
    private long lab1;
    private long lab2;
    private long tiny1;

    @BeforeAll
    void tiny1FreshlyBootedOnLab1() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("lab-helpdesk", Role.HELPDESK));
        api = new AdminApi(port);
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
        tiny1 = api.guestIdOn(lab1, "tiny1");
        // a fresh boot: its screen shows the banner, and it runs the lab's current tiny guest and VNC settings
        if (Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            Lab.virsh(Lab.LAB1, "destroy", "tiny1");
        }
        assertThat(api.call("POST", "/api/v1/guests/" + tiny1 + "/actions/start", "").statusCode()).isEqualTo(200);
        Lab.consoleAnswers(Lab.LAB1, "tiny1");
        browser = Browser.start(port);
        driver = browser.driver();
    }

    @AfterAll
    void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void helpdeskSeesTheGuestsScreenAndItsKeysReachTheGuest() throws Exception {
        browser.logIn("lab-helpdesk", PASSWORD);
        browser.open("/guests/" + tiny1);
        // the guest page's own cards load after it: their work is not the console's, so they end first, as they have
        // by the time a person finds the button
        browser.waitForSettled();
        String guestPage = driver.getWindowHandle();
        driver.findElement(By.cssSelector("a.console-link")).click(); // a plain link to a new tab
        browser.waitFor("the console tab", () -> driver.getWindowHandles().size() == 2);
        driver.getWindowHandles().stream().filter(h -> !h.equals(guestPage)).findFirst()
                .ifPresent(tab -> driver.switchTo().window(tab));
        awaitConnected();
        printFirstFrame("the first console opened since Virtdeck started");
        for (int again = 1; again <= 3; again++) { // as a help desk opens consoles all day: templates and code warm
            driver.navigate().refresh();
            awaitConnected();
            printFirstFrame("opened again (" + again + ")");
        }

        assertThat(Files.readString(CONSOLE_LOG)).contains("Virtdeck tiny guest: booted");
        assertTheCanvasShowsTheGuest(Lab.LAB1);
        browser.screenshot("console-helpdesk.png");
        browser.tourScreenshot("helpdesk-console.png");

        driver.findElement(By.id("ctrl-alt-del")).click();
        awaitConsoleLog("Virtdeck tiny guest: Ctrl-Alt-Del pressed");

        driver.findElement(By.cssSelector(".paste summary")).click();
        driver.findElement(By.id("paste-text")).sendKeys("echo pasted-$((6*7)) >/dev/ttyS0\n");
        browser.screenshot("console-paste.png");
        browser.assertAccessible("console-paste");
        driver.findElement(By.cssSelector("#paste-form button[type=submit]")).click();
        awaitConsoleLog("pasted-42");

        // the raw VNC port is of no use without Virtdeck: it asks for a password only Virtdeck's session had
        String sessions = api.call("GET", "/api/v1/console/sessions", null).body();
        assertThat(JsonPath.<List<Boolean>>read(sessions, "$[?(@.user == 'lab-helpdesk')].oneTimePassword"))
                .containsOnly(true);
        assertThat(rawSecurityTypes(Lab.LAB1)).as("VNC authentication only").containsExactly(2);
    }

    @Test
    @Order(2)
    void theConsoleFollowsItsGuestAcrossALiveMigration() throws Exception {
        HttpResponse<String> started = api.call("POST", "/api/v1/guests/" + tiny1 + "/migrate",
                "{\"targetHostId\":" + lab2 + ",\"unsafe\":true}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long task = ((Number) JsonPath.read(started.body(), "$.id")).longValue();
        long sent = System.nanoTime();
        String moved = api.finished(task, Duration.ofSeconds(60));
        assertThat(JsonPath.<String>read(moved, "$.state")).as(moved).isEqualTo("SUCCEEDED");
        browser.waitFor(Duration.ofSeconds(60), "the console to show tiny1 on lab2, connected", () ->
                "lab2".equals(driver.findElement(By.id("host-name")).getText())
                        && "Connected".equals(driver.findElement(By.id("connection")).getText())
                        && connectedTo(Lab.LAB2));
        System.out.printf("[lab] console connected to tiny1 on lab2 %d ms after the migration was asked for%n",
                (System.nanoTime() - sent) / 1_000_000);
        assertTheCanvasShowsTheGuest(Lab.LAB2);
        browser.screenshot("console-after-migration.png");

        HttpResponse<String> back = api.call("POST", "/api/v1/guests/" + tiny1 + "/migrate",
                "{\"targetHostId\":" + lab1 + ",\"unsafe\":true}");
        long backTask = ((Number) JsonPath.read(back.body(), "$.id")).longValue();
        assertThat(JsonPath.<String>read(api.finished(backTask, Duration.ofSeconds(60)), "$.state"))
                .isEqualTo("SUCCEEDED");
        browser.waitFor(Duration.ofSeconds(30), "the console back on lab1", () ->
                "lab1".equals(driver.findElement(By.id("host-name")).getText())
                        && "Connected".equals(driver.findElement(By.id("connection")).getText()));
    }

    @Test
    @Order(3)
    void adminSeesTheSessionAndClosesIt() throws Exception {
        String sessions = api.call("GET", "/api/v1/console/sessions", null).body();
        List<String> ids = JsonPath.read(sessions, "$[?(@.user == 'lab-helpdesk' && @.guestName == 'tiny1')].id");
        assertThat(ids).hasSize(1);
        assertThat(JsonPath.<List<Number>>read(sessions, "$[?(@.user == 'lab-helpdesk')].bytesToBrowser").get(0)
                .longValue()).isGreaterThan(1_000);
        assertThat(api.call("DELETE", "/api/v1/console/sessions/" + ids.get(0), null).statusCode()).isEqualTo(204);
        browser.waitFor("the reason on the console page", () -> driver.findElement(By.id("console-problem"))
                .getText().contains("An administrator closed this console."));
        // an absence: the page's first reconnects (250 and 500 ms after a connection drops) must not come after an
        // administrator's close, so the page stays disconnected all through a window longer than both
        await("the console page staying disconnected").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> driver.findElement(By.id("connection")).getText(), "Disconnected"::equals);
        browser.screenshot("console-closed-by-admin.png");
    }

    /** The figure the issue asks for (goal: under 300 ms on loopback), measured in the browser, printed. */
    private void printFirstFrame(String which) {
        System.out.printf("[lab] console page opened -> first guest frame on screen: %s ms, %s (%s)%n",
                firstFrameMs(), which, browser.js().executeScript(
                        "const t = performance.getEntriesByType('navigation')[0];"
                        + " return 'page response ' + t.responseEnd.toFixed(0) + ' ms, scripts loaded '"
                        + " + t.domContentLoadedEventEnd.toFixed(0) + ' ms, console script ran '"
                        + " + document.documentElement.dataset.scriptMs + ' ms, connected '"
                        + " + (document.documentElement.dataset.connectedMs || '?') + ' ms';"));
    }

    private void awaitConnected() {
        browser.waitFor(Duration.ofSeconds(20), "the console to connect",
                () -> "Connected".equals(driver.findElement(By.id("connection")).getText()));
        browser.waitFor(Duration.ofSeconds(10), "a first frame on the canvas", () -> firstFrameMs() != null);
    }

    private String firstFrameMs() {
        return (String) browser.js().executeScript("return document.documentElement.dataset.firstFrameMs || null;");
    }

    /** The console's canvas and libvirt's screenshot of the guest agree on (nearly) every pixel. */
    private void assertTheCanvasShowsTheGuest(String hostUri) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> sameScreen(hostUri), same -> same >= 0.97);
    }

    private double sameScreen(String hostUri) {
        try {
            String dataUrl = (String) browser.js().executeScript(
                    "return document.querySelector('#screen canvas').toDataURL('image/png');");
            BufferedImage canvas = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder()
                    .decode(dataUrl.substring(dataUrl.indexOf(',') + 1))));
            Path ppm = Files.createTempFile("tiny1-screen", ".ppm");
            try {
                Lab.virsh(hostUri, "screenshot", "tiny1", ppm.toString());
                BufferedImage guest = readScreenshot(ppm);
                if (canvas.getWidth() != guest.getWidth() || canvas.getHeight() != guest.getHeight()) {
                    return 0;
                }
                long same = 0;
                for (int y = 0; y < guest.getHeight(); y++) {
                    for (int x = 0; x < guest.getWidth(); x++) {
                        same += (canvas.getRGB(x, y) & 0xffffff) == (guest.getRGB(x, y) & 0xffffff) ? 1 : 0;
                    }
                }
                double share = same / (double) (guest.getWidth() * guest.getHeight());
                System.out.printf("[lab] canvas %dx%d against libvirt's screenshot: %.2f%% of pixels equal%n",
                        canvas.getWidth(), canvas.getHeight(), share * 100);
                return share;
            } finally {
                Files.deleteIfExists(ppm);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** virsh screenshot writes PNG where QEMU offers it, else a binary PPM (P6, 8 bits per channel). */
    private static BufferedImage readScreenshot(Path file) throws IOException {
        BufferedImage png = ImageIO.read(file.toFile());
        if (png != null) {
            return png;
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            List<Integer> header = new ArrayList<>();
            String magic = token(in);
            if (!"P6".equals(magic)) {
                throw new IOException("not a binary PPM: " + magic);
            }
            while (header.size() < 3) {
                header.add(Integer.parseInt(token(in)));
            }
            BufferedImage image = new BufferedImage(header.get(0), header.get(1), BufferedImage.TYPE_INT_RGB);
            DataInputStream pixels = new DataInputStream(in);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, pixels.readUnsignedByte() << 16 | pixels.readUnsignedByte() << 8
                            | pixels.readUnsignedByte());
                }
            }
            return image;
        }
    }

    private static String token(InputStream in) throws IOException {
        StringBuilder token = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '#') {
                while ((c = in.read()) >= 0 && c != '\n') {
                    // a comment line
                }
            } else if (Character.isWhitespace(c)) {
                if (!token.isEmpty()) {
                    return token.toString();
                }
            } else {
                token.append((char) c);
            }
        }
        return token.toString();
    }

    /** True when the console session for tiny1 is joined to the display on {@code hostUri}. */
    private boolean connectedTo(String hostUri) {
        try {
            String lab = hostUri.equals(Lab.LAB2) ? "lab2" : "lab1";
            String sessions = api.call("GET", "/api/v1/console/sessions", null).body();
            return JsonPath.<List<String>>read(sessions, "$[?(@.guestName == 'tiny1')].hostName").contains(lab);
        } catch (Exception e) {
            return false;
        }
    }

    /** The security types tiny1's VNC server offers to someone connecting straight to its port. */
    private static List<Integer> rawSecurityTypes(String hostUri) throws IOException {
        Matcher port = Pattern.compile("<graphics type='vnc' port='(\\d+)'").matcher(Lab.virsh(hostUri, "dumpxml",
                "tiny1"));
        assertThat(port.find()).isTrue();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port.group(1)))) {
            socket.setSoTimeout(5000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.readFully(new byte[12]);
            socket.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int count = in.readUnsignedByte();
            List<Integer> types = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                types.add(in.readUnsignedByte());
            }
            return types;
        }
    }

    private void awaitConsoleLog(String text) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                return Files.readString(CONSOLE_LOG, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                return "";
            }
        }, log -> log.contains(text));
    }
}
