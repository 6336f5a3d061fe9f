package io.virtdeck.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.inventory.HostService;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.security.Role;
import io.virtdeck.support.Eventually;
import io.virtdeck.support.TestDatabaseInitializer;
import io.virtdeck.support.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The issues' scenarios in a real, headless Chromium: log in, filter the guest list, start a guest, see a state change
 * arrive without a reload, power off after the confirmation, create a guest through the wizard, and see that help
 * desk and viewer users get no power buttons. Screenshots go to app/target/screenshots for people to look at (a test
 * never writes into the tracked tree).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"virtdeck.admin-password=admin-test-pw", "virtdeck.demo.mode=off"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

    private static final String ADMIN_PASSWORD = "admin-test-pw";
    private static final String DESK_PASSWORD = "desk-test-pw";
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final List<String> POWER_LABELS =
            List.of("Start", "Shut down", "Power off", "Reboot", "Reset", "Pause", "Resume");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(15);

    @LocalServerPort
    int port;
    @Autowired
    HostService hostService;
    @Autowired
    InitialUsers initialUsers;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private WebDriver driver;
    private Path profile;
    private Path screenshots;
    private Path repoRoot;
    private long hostA;
    private long hostB;

    @BeforeAll
    void hostsUsersAndABrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser test needs Chromium at " + CHROMIUM + " and chromedriver at " + CHROMEDRIVER
                    + ". Install them: apt-get install chromium chromium-driver (./virtdeck test installs them).");
        }
        repoRoot = findRepoRoot();
        screenshots = Files.createDirectories(repoRoot.resolve("app/target/screenshots"));

        initialUsers.ensure(DESK_PASSWORD, "test", new InitialUsers.UserSpec("helpdesk", Role.HELPDESK),
                new InitialUsers.UserSpec("viewer", Role.VIEWER));
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            hostA = hostService.register("lab-a", TestHosts.smallHost()).id();
            hostB = hostService.register("lab-b", TestHosts.smallHost()).id();
        } finally {
            SecurityContextHolder.clearContext();
        }
        guestId(hostA, "gamma-build");
        guestId(hostB, "gamma-build");

        profile = Files.createTempDirectory("virtdeck-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 900));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void adminLogsIn() {
        driver.get(url("/login"));
        driver.findElement(By.id("username")).sendKeys("admin");
        driver.findElement(By.id("password")).sendKeys(ADMIN_PASSWORD);
        screenshot("login.png");
        submitAndWait(driver.findElement(By.cssSelector("button[type=submit]")));
        assertThat(driver.getCurrentUrl()).contains("/guests");
        assertThat(driver.findElement(By.cssSelector(".topbar .user")).getText()).contains("admin");
    }

    @Test
    @Order(2)
    void filtersTheGuestListByNameHostAndState() throws IOException {
        driver.get(url("/guests"));
        assertThat(rowNames()).hasSize(6);
        screenshot("guests.png");

        WebElement q = driver.findElement(By.id("filter-q"));
        q.clear();
        q.sendKeys("gamma");
        submitAndWait(filterButton());
        assertThat(driver.getCurrentUrl()).contains("q=gamma");
        assertThat(rowNames()).containsExactly("gamma-build", "gamma-build");
        assertThat(driver.findElement(By.id("filter-q")).getAttribute("value")).isEqualTo("gamma");

        driver.findElement(By.cssSelector("#filter-host option[value='" + hostA + "']")).click();
        submitAndWait(filterButton());
        assertThat(rowNames()).containsExactly("gamma-build");
        assertThat(rowHosts()).containsExactly("lab-a");

        driver.findElement(By.id("filter-q")).clear();
        driver.findElement(By.cssSelector("#filter-host option[value='']")).click();
        driver.findElement(By.cssSelector("#filter-state option[value='PAUSED']")).click();
        submitAndWait(filterButton());
        assertThat(driver.getCurrentUrl()).contains("state=PAUSED");
        assertThat(rowNames()).containsExactly("beta-db", "beta-db");
        assertThat(badges()).containsOnly("Paused");
        screenshot("guests-filtered.png");
    }

    @Test
    @Order(3)
    void startsAGuestFromTheList() throws IOException, InterruptedException {
        long gamma = guestId(hostA, "gamma-build");
        driver.get(url("/guests?host=" + hostA + "&q=gamma"));
        assertThat(badge(gamma)).isEqualTo("Shut off");
        submitAndWait(driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Start gamma-build']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("gamma-build");
        assertThat(driver.getCurrentUrl()).as("the list keeps its filters").contains("host=" + hostA).contains("q=gamma");
        assertThat(rowNames()).containsExactly("gamma-build");
        waitFor("gamma-build shown as Running", () -> "Running".equals(badgeOrNull(gamma)));
        assertThat(restState(gamma)).isEqualTo("RUNNING");
    }

    @Test
    @Order(4)
    void aStateChangeArrivesWithoutReload() throws IOException, InterruptedException {
        long alpha = guestId(hostA, "alpha-web");
        driver.get(url("/guests?host=" + hostA));
        waitFor("the live stream is open", () ->
                !driver.findElements(By.cssSelector("body[data-live-ready='true']")).isEmpty());
        js().executeScript("window.__noReload = 42;");
        assertThat(badge(alpha)).isEqualTo("Running");

        HttpResponse<String> response = rest("POST", "/api/v1/guests/" + alpha + "/actions/suspend");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long sent = System.nanoTime();
        waitFor(Duration.ofSeconds(2), "the row of alpha-web shows Paused within 2 s",
                () -> "Paused".equals(badgeOrNull(alpha)));
        System.out.printf("live update shown %d ms after the REST call returned%n",
                (System.nanoTime() - sent) / 1_000_000);
        assertThat(js().executeScript("return window.__noReload;")).isEqualTo(42L);
        // the swapped row still has the buttons that fit its new state
        assertThat(driver.findElements(By.cssSelector("#guest-" + alpha + " button[aria-label='Resume alpha-web']")))
                .hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#guest-" + alpha + " button[aria-label='Pause alpha-web']")))
                .isEmpty();
        screenshot("guest-live-update.png");
    }

    @Test
    @Order(5)
    void powerOffAsksFirst() throws IOException, InterruptedException {
        long gamma = guestId(hostA, "gamma-build");
        driver.get(url("/guests?host=" + hostA));
        assertThat(badge(gamma)).isEqualTo("Running");
        WebElement html = driver.findElement(By.tagName("html"));

        // declining keeps the guest running
        driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Power off gamma-build']")).click();
        Alert question = waitForAlert();
        assertThat(question.getText()).contains("gamma-build").contains("Unsaved work");
        question.dismiss();
        assertThat(restState(gamma)).isEqualTo("RUNNING");
        assertThat(isStale(html)).isFalse();

        driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Power off gamma-build']")).click();
        waitForAlert().accept();
        waitFor("the page after Power off", () -> isStale(html));
        waitForLoaded();
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Power off")
                .contains("gamma-build");
        assertThat(restState(gamma)).isEqualTo("SHUTOFF");
        assertThat(driver.getCurrentUrl()).as("the list keeps its filters").contains("host=" + hostA);
        assertThat(rowHosts()).containsOnly("lab-a");
        screenshot("guests-after-poweroff.png");
    }

    @Test
    @Order(6)
    void detailAndHostPages() throws IOException, InterruptedException {
        long alphaB = guestId(hostB, "alpha-web");
        driver.get(url("/guests/" + alphaB));
        assertThat(driver.findElement(By.cssSelector("h1")).getText()).contains("alpha-web").contains("Running");
        assertThat(driver.findElement(By.cssSelector(".guest-detail")).getText())
                .contains("11111111-1111-4111-8111-111111111111").contains("lab-b");
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Shut down alpha-web']"))).hasSize(1);
        screenshot("guest-detail.png");

        driver.get(url("/hosts"));
        assertThat(driver.findElement(By.cssSelector("#host-" + hostA)).getText()).contains("lab-a").contains("Connected");
        assertThat(driver.findElement(By.cssSelector("#host-" + hostB)).getText()).contains("lab-b");
        screenshot("hosts.png");
    }

    @Test
    @Order(7)
    void createsAGuestThroughTheWizard() throws IOException, InterruptedException {
        driver.get(url("/hosts/" + hostA));
        submitAndWait(driver.findElement(By.linkText("New guest…")));
        assertThat(driver.findElement(By.cssSelector("h1")).getText().replaceAll("\\s+", " "))
                .isEqualTo("New guest on lab-a");
        WebElement name = driver.findElement(By.id("name"));
        name.sendKeys("wiz-web");
        driver.findElement(By.id("vcpus")).clear();
        driver.findElement(By.id("vcpus")).sendKeys("2");
        driver.findElement(By.id("memoryMiB")).clear();
        driver.findElement(By.id("memoryMiB")).sendKeys("999999");
        driver.findElement(By.cssSelector("#cdrom option[value='default/install.iso']")).click();
        js().executeScript("window.scrollTo(0, 0);");
        screenshot("guest-create-form.png");

        // more memory than the host has: the form comes back with the message at the field
        submitAndWait(inView(driver.findElement(By.xpath("//button[normalize-space()='Review']"))));
        assertThat(driver.findElement(By.id("memoryMiB-error")).getText())
                .isEqualTo("Memory (MiB) is 999999, more than the host's 16384 MiB of memory.");
        assertThat(driver.findElement(By.id("memoryMiB")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElement(By.id("name")).getAttribute("value")).isEqualTo("wiz-web");
        js().executeScript("document.getElementById('memoryMiB').scrollIntoView({block: 'center'});");
        screenshot("guest-create-error.png");

        WebElement memory = driver.findElement(By.id("memoryMiB"));
        memory.clear();
        memory.sendKeys("2048");
        submitAndWait(inView(driver.findElement(By.xpath("//button[normalize-space()='Review']"))));
        String review = driver.findElement(By.cssSelector("dl.review")).getText();
        assertThat(review).contains("wiz-web", "2 GiB", "new qcow2 volume wiz-web-disk1.qcow2", "default/install.iso",
                "cdrom, then hd", "default", "BIOS", "VNC console");
        screenshot("guest-create-review.png");

        submitAndWait(inView(driver.findElement(By.xpath("//button[normalize-space()='Create wiz-web']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("Guest wiz-web was created on host lab-a. It is shut off: start it when you are ready.");
        assertThat(driver.findElement(By.cssSelector("h1")).getText()).contains("wiz-web").contains("Shut off");
        screenshot("guest-create-done.png");

        // the later tests count the original guests: this one goes again, with its disk
        long created = guestId(hostA, "wiz-web");
        assertThat(rest("DELETE", "/api/v1/guests/" + created + "?deleteDisks=true").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void helpdeskSeesGuestsButNoPowerButtons() throws IOException, InterruptedException {
        logOut();
        logIn("helpdesk", DESK_PASSWORD);
        driver.get(url("/guests"));
        assertThat(rowNames()).hasSize(6).contains("alpha-web", "beta-db", "gamma-build");
        assertNoPowerControls();
        assertThat(driver.findElements(By.cssSelector(".sidenav a[href$='/hosts']"))).isEmpty();
        screenshot("guests-helpdesk.png");

        driver.get(url("/guests/" + guestId(hostA, "alpha-web")));
        assertNoPowerControls();
    }

    @Test
    @Order(9)
    void viewerSeesNoButtonsEither() throws IOException, InterruptedException {
        logOut();
        logIn("viewer", DESK_PASSWORD);
        driver.get(url("/guests"));
        assertThat(rowNames()).hasSize(6);
        assertNoPowerControls();
        driver.get(url("/guests/" + guestId(hostB, "alpha-web")));
        assertNoPowerControls();
        assertThat(driver.findElements(By.cssSelector("#content a.danger"))).as("Delete link").isEmpty();
    }

    // ---- helpers ----

    private void assertNoPowerControls() {
        for (String label : POWER_LABELS) {
            assertThat(driver.findElements(By.cssSelector("[aria-label^='" + label + " ']")))
                    .as("elements labelled " + label).isEmpty();
            assertThat(driver.findElements(By.xpath("//main//button[normalize-space()='" + label + "']")))
                    .as("buttons reading " + label).isEmpty();
        }
        assertThat(driver.findElements(By.cssSelector("form[action*='/actions/']"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("table button, .actions, .head-actions button"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("thead th")).stream().map(WebElement::getText).toList())
                .doesNotContain("ACTIONS", "Actions");
    }

    private void logIn(String user, String password) {
        driver.get(url("/login"));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        submitAndWait(driver.findElement(By.cssSelector("button[type=submit]")));
        assertThat(driver.getCurrentUrl()).doesNotContain("/login");
        assertThat(driver.findElement(By.cssSelector(".topbar .user")).getText()).contains(user);
    }

    private void logOut() {
        driver.get(url("/guests"));
        submitAndWait(driver.findElement(By.xpath("//header//button[normalize-space()='Log out']")));
        assertThat(driver.getCurrentUrl()).contains("/login");
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("logged out");
    }

    private WebElement filterButton() {
        return driver.findElement(By.xpath("//form[contains(@class,'filters')]//button[normalize-space()='Filter']"));
    }

    private List<String> rowNames() {
        return driver.findElements(By.cssSelector("tr[id^='guest-'] td:first-child")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> rowHosts() {
        return driver.findElements(By.cssSelector("tr[id^='guest-'] td:nth-child(3)")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> badges() {
        return driver.findElements(By.cssSelector("tr[id^='guest-'] .badge")).stream()
                .map(WebElement::getText).toList();
    }

    private String badge(long guestId) {
        return driver.findElement(By.cssSelector("#guest-" + guestId + " .badge")).getText();
    }

    private String badgeOrNull(long guestId) {
        try {
            List<WebElement> found = driver.findElements(By.cssSelector("#guest-" + guestId + " .badge"));
            return found.isEmpty() ? null : found.get(0).getText();
        } catch (StaleElementReferenceException e) {
            return null;
        }
    }

    /** Scrolls an element to the middle of the window, clear of the tasks drawer docked at the bottom. */
    private WebElement inView(WebElement element) {
        js().executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
        return element;
    }

    /** Clicks something that loads a new page and waits until the new page is there. */
    private void submitAndWait(WebElement element) {
        WebElement html = driver.findElement(By.tagName("html"));
        element.click();
        waitFor("a new page after clicking", () -> isStale(html));
        waitForLoaded();
    }

    private void waitForLoaded() {
        waitFor("the page to finish loading",
                () -> "complete".equals(js().executeScript("return document.readyState;")));
    }

    private static boolean isStale(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        }
    }

    private Alert waitForAlert() {
        long deadline = System.nanoTime() + PAGE_WAIT.toNanos();
        while (true) {
            try {
                return driver.switchTo().alert();
            } catch (NoAlertPresentException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no confirmation was asked within " + PAGE_WAIT.toSeconds() + " s");
                }
                sleep();
            }
        }
    }

    private void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(PAGE_WAIT, what, condition);
    }

    private void waitFor(Duration limit, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean done;
            try {
                done = Boolean.TRUE.equals(condition.get());
            } catch (StaleElementReferenceException e) {
                done = false;
            }
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + limit.toMillis() + " ms for " + what + " at "
                        + driver.getCurrentUrl());
            }
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    private void screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(screenshots.resolve(name), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WebDriverException e) {
            throw new AssertionError("cannot take the screenshot " + name + ": " + e.getMessage(), e);
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private HttpResponse<String> rest(String method, String path) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Basic " + basic)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String restState(long guestId) throws IOException, InterruptedException {
        return JsonPath.read(rest("GET", "/api/v1/guests/" + guestId).body(), "$.state");
    }

    /** The id of the guest with this name on this host, once the inventory has it. */
    private long guestId(long hostId, String name) {
        String body = Eventually.within(Duration.ofSeconds(15), () -> {
            try {
                return rest("GET", "/api/v1/guests?host=" + hostId + "&q="
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)).body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, json -> json.startsWith("{") && ((Number) JsonPath.read(json, "$.total")).intValue() > 0);
        return ((Number) JsonPath.read(body, "$.items[0].id")).longValue();
    }

    /** The repository's root: the directory holding app/pom.xml (Maven runs this test with app/ as its directory). */
    private static Path findRepoRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("app/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with app/pom.xml) above " + dir);
    }
}
