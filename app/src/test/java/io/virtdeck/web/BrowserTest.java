package io.virtdeck.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.inventory.HostService;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Browser;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The issues' scenarios in a real, headless Chromium: log in, filter the guest list, start a guest, see a state change
 * arrive without a reload, power off after the confirmation, create a guest through the wizard, and see that help
 * desk and viewer users get no power buttons. Screenshots go to app/target/screenshots for people to look at (a test
 * never writes into the tracked tree).
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

    private static final String ADMIN_PASSWORD = "admin-test-pw";
    private static final String DESK_PASSWORD = "desk-test-pw";
    private static final List<String> POWER_LABELS =
            List.of("Start", "Shut down", "Power off", "Reboot", "Reset", "Pause", "Resume");

    @LocalServerPort
    int port;
    @Autowired
    HostService hostService;
    @Autowired
    InitialUsers initialUsers;

    private Browser browser;
    private WebDriver driver;
    private long hostA;
    private long hostB;

    @BeforeAll
    void hostsUsersAndABrowser() throws IOException {
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
        browser = Browser.start(port); // first: the REST calls below take the server's address from it
        driver = browser.driver();
        guestId(hostA, "gamma-build");
        guestId(hostB, "gamma-build");
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void adminLogsIn() {
        driver.get(browser.url("/login"));
        driver.findElement(By.id("username")).sendKeys("admin");
        driver.findElement(By.id("password")).sendKeys(ADMIN_PASSWORD);
        browser.screenshot("login.png");
        browser.assertAccessible("login");
        browser.submitAndWait(driver.findElement(By.cssSelector("button[type=submit]")));
        assertThat(driver.getCurrentUrl()).contains("/guests");
        assertThat(driver.findElement(By.cssSelector(".topbar .user")).getText()).contains("admin");
    }

    @Test
    @Order(2)
    void filtersTheGuestListByNameHostAndState() throws IOException {
        driver.get(browser.url("/guests"));
        assertThat(rowsOfThisTest()).hasSize(6);
        browser.screenshot("guests.png");
        browser.assertAccessible("guests");

        WebElement q = driver.findElement(By.id("filter-q"));
        q.clear();
        q.sendKeys("gamma");
        browser.submitAndWait(filterButton());
        assertThat(driver.getCurrentUrl()).contains("q=gamma");
        // other classes of this run may have registered hosts with a gamma-build too: look at this test's hosts
        assertThat(rowNames()).containsOnly("gamma-build");
        assertThat(rowsOfThisTest()).containsExactly("gamma-build", "gamma-build");
        assertThat(driver.findElement(By.id("filter-q")).getAttribute("value")).isEqualTo("gamma");

        driver.findElement(By.cssSelector("#filter-host option[value='" + hostA + "']")).click();
        browser.submitAndWait(filterButton());
        assertThat(rowNames()).containsExactly("gamma-build");
        assertThat(rowHosts()).containsExactly("lab-a");

        driver.findElement(By.id("filter-q")).clear();
        driver.findElement(By.cssSelector("#filter-host option[value='']")).click();
        driver.findElement(By.cssSelector("#filter-state option[value='PAUSED']")).click();
        browser.submitAndWait(filterButton());
        assertThat(driver.getCurrentUrl()).contains("state=PAUSED");
        assertThat(rowsOfThisTest()).containsExactly("beta-db", "beta-db");
        assertThat(badges()).containsOnly("Paused");
        browser.screenshot("guests-filtered.png");
        browser.assertAccessible("guests-filtered");
    }

    @Test
    @Order(3)
    void startsAGuestFromTheList() throws Exception {
        long gamma = guestId(hostA, "gamma-build");
        driver.get(browser.url("/guests?host=" + hostA + "&q=gamma"));
        assertThat(badge(gamma)).isEqualTo("Shut off");
        browser.submitAndWait(driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Start gamma-build']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("gamma-build");
        assertThat(driver.getCurrentUrl()).as("the list keeps its filters").contains("host=" + hostA).contains("q=gamma");
        assertThat(rowNames()).containsExactly("gamma-build");
        browser.waitFor("gamma-build shown as Running", () -> "Running".equals(badgeOrNull(gamma)));
        assertThat(restState(gamma)).isEqualTo("RUNNING");
    }

    @Test
    @Order(4)
    void aStateChangeArrivesWithoutReload() throws Exception {
        long alpha = guestId(hostA, "alpha-web");
        driver.get(browser.url("/guests?host=" + hostA));
        browser.waitFor("the live stream is open", () ->
                !driver.findElements(By.cssSelector("body[data-live-ready='true']")).isEmpty());
        browser.js().executeScript("window.__noReload = 42;");
        assertThat(badge(alpha)).isEqualTo("Running");

        HttpResponse<String> response = rest("POST", "/api/v1/guests/" + alpha + "/actions/suspend");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long sent = System.nanoTime();
        browser.waitFor(Duration.ofSeconds(2), "the row of alpha-web shows Paused within 2 s",
                () -> "Paused".equals(badgeOrNull(alpha)));
        System.out.printf("live update shown %d ms after the REST call returned%n",
                (System.nanoTime() - sent) / 1_000_000);
        assertThat(browser.js().executeScript("return window.__noReload;")).isEqualTo(42L);
        // the swapped row still has the buttons that fit its new state
        assertThat(driver.findElements(By.cssSelector("#guest-" + alpha + " button[aria-label='Resume alpha-web']")))
                .hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#guest-" + alpha + " button[aria-label='Pause alpha-web']")))
                .isEmpty();
        browser.screenshot("guest-live-update.png");
        browser.assertAccessible("guest-live-update");
    }

    @Test
    @Order(5)
    void powerOffAsksFirst() throws Exception {
        long gamma = guestId(hostA, "gamma-build");
        driver.get(browser.url("/guests?host=" + hostA));
        assertThat(badge(gamma)).isEqualTo("Running");
        WebElement html = driver.findElement(By.tagName("html"));

        // declining keeps the guest running
        driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Power off gamma-build']")).click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).contains("gamma-build").contains("Unsaved work");
        question.dismiss();
        assertThat(restState(gamma)).isEqualTo("RUNNING");
        assertThat(Browser.isStale(html)).isFalse();

        driver.findElement(By.cssSelector("#guest-" + gamma + " button[aria-label='Power off gamma-build']")).click();
        browser.waitForAlert().accept();
        browser.waitFor("the page after Power off", () -> Browser.isStale(html));
        browser.waitForLoaded();
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Power off")
                .contains("gamma-build");
        assertThat(restState(gamma)).isEqualTo("SHUTOFF");
        assertThat(driver.getCurrentUrl()).as("the list keeps its filters").contains("host=" + hostA);
        assertThat(rowHosts()).containsOnly("lab-a");
        browser.screenshot("guests-after-poweroff.png");
        browser.assertAccessible("guests-after-poweroff");
    }

    @Test
    @Order(6)
    void detailAndHostPages() throws Exception {
        long alphaB = guestId(hostB, "alpha-web");
        driver.get(browser.url("/guests/" + alphaB));
        assertThat(driver.findElement(By.cssSelector("h1")).getText()).contains("alpha-web").contains("Running");
        assertThat(driver.findElement(By.cssSelector(".guest-detail")).getText())
                .contains("11111111-1111-4111-8111-111111111111").contains("lab-b");
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Shut down alpha-web']"))).hasSize(1);
        browser.screenshot("guest-detail.png");
        browser.assertAccessible("guest-detail");

        driver.get(browser.url("/hosts"));
        assertThat(driver.findElement(By.cssSelector("#host-" + hostA)).getText()).contains("lab-a").contains("Connected");
        assertThat(driver.findElement(By.cssSelector("#host-" + hostB)).getText()).contains("lab-b");
        browser.screenshot("hosts.png");
        browser.assertAccessible("hosts");
    }

    @Test
    @Order(7)
    void createsAGuestThroughTheWizard() throws Exception {
        driver.get(browser.url("/hosts/" + hostA));
        browser.submitAndWait(driver.findElement(By.linkText("New guest…")));
        assertThat(driver.findElement(By.cssSelector("h1")).getText().replaceAll("\\s+", " "))
                .isEqualTo("New guest on lab-a");
        WebElement name = driver.findElement(By.id("name"));
        name.sendKeys("wiz-web");
        driver.findElement(By.id("vcpus")).clear();
        driver.findElement(By.id("vcpus")).sendKeys("2");
        driver.findElement(By.id("memoryMiB")).clear();
        driver.findElement(By.id("memoryMiB")).sendKeys("999999");
        driver.findElement(By.cssSelector("#cdrom option[value='default/install.iso']")).click();
        browser.js().executeScript("window.scrollTo(0, 0);");
        browser.screenshot("guest-create-form.png");
        browser.assertAccessible("guest-create-form");
        browser.js().executeScript("document.querySelector('fieldset.cpu').scrollIntoView({block: 'start'});");
        browser.screenshot("guest-create-cpu.png");
        // the CPU mode select is as wide as its longest choice needs (none is cut off when chosen): its column does
        // not squeeze it below the width it takes when nothing holds it in
        Object fits = browser.js().executeScript("""
                const select = document.getElementById('cpu-mode');
                const shown = select.offsetWidth;
                select.style.maxWidth = 'none';
                const needed = select.offsetWidth;
                select.style.maxWidth = '';
                return needed <= shown;""");
        assertThat(fits).as("every CPU mode reads whole in its select").isEqualTo(true);

        // more memory than the host has: the form comes back with the message at the field
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Review']"))));
        assertThat(driver.findElement(By.id("memoryMiB-error")).getText())
                .isEqualTo("Memory (MiB) is 999999, more than the host's 16384 MiB of memory.");
        assertThat(driver.findElement(By.id("memoryMiB")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElement(By.id("name")).getAttribute("value")).isEqualTo("wiz-web");
        browser.js().executeScript("document.getElementById('memoryMiB').scrollIntoView({block: 'center'});");
        browser.screenshot("guest-create-error.png");
        browser.assertAccessible("guest-create-error");

        WebElement memory = driver.findElement(By.id("memoryMiB"));
        memory.clear();
        memory.sendKeys("2048");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Review']"))));
        String review = driver.findElement(By.cssSelector("dl.review")).getText();
        assertThat(review).contains("wiz-web", "2 GiB", "new qcow2 volume wiz-web-disk1.qcow2", "default/install.iso",
                "cdrom, then hd", "default", "BIOS", "VNC console");
        browser.screenshot("guest-create-review.png");
        browser.assertAccessible("guest-create-review");

        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Create wiz-web']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("Guest wiz-web was created on host lab-a. It is shut off: start it when you are ready.");
        assertThat(driver.findElement(By.cssSelector("h1")).getText()).contains("wiz-web").contains("Shut off");
        browser.screenshot("guest-create-done.png");
        browser.assertAccessible("guest-create-done");

        // the later tests count the original guests: this one goes again, with its disk
        long created = guestId(hostA, "wiz-web");
        assertThat(rest("DELETE", "/api/v1/guests/" + created + "?deleteDisks=true").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void helpdeskSeesGuestsButNoPowerButtons() throws Exception {
        browser.logOut();
        browser.logIn("helpdesk", DESK_PASSWORD);
        driver.get(browser.url("/guests"));
        assertThat(rowsOfThisTest()).hasSize(6).contains("alpha-web", "beta-db", "gamma-build");
        assertNoPowerControls();
        assertThat(driver.findElements(By.cssSelector(".sidenav a[href$='/hosts']"))).isEmpty();
        browser.screenshot("guests-helpdesk.png");
        browser.assertAccessible("guests-helpdesk");

        driver.get(browser.url("/guests/" + guestId(hostA, "alpha-web")));
        assertNoPowerControls();
    }

    @Test
    @Order(9)
    void viewerSeesNoButtonsEither() throws Exception {
        browser.logOut();
        browser.logIn("viewer", DESK_PASSWORD);
        driver.get(browser.url("/guests"));
        assertThat(rowsOfThisTest()).hasSize(6);
        assertNoPowerControls();
        driver.get(browser.url("/guests/" + guestId(hostB, "alpha-web")));
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
        assertThat(driver.findElements(By.cssSelector("form[action*='/actions/'], [formaction*='/actions/']"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("table button, .actions, .head-actions button"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("thead th")).stream().map(WebElement::getText).toList())
                .doesNotContain("ACTIONS", "Actions");
    }

    private WebElement filterButton() {
        return driver.findElement(By.xpath("//form[contains(@class,'filters')]//button[normalize-space()='Filter']"));
    }

    private List<String> rowNames() {
        return driver.findElements(By.cssSelector("tr[id^='guest-'] td.guest-name > a")).stream()
                .map(WebElement::getText).toList();
    }

    /** The names in the guest list on this test's hosts (other tests sharing the application add their own). */
    private List<String> rowsOfThisTest() {
        return driver.findElements(By.cssSelector("tr[id^='guest-']")).stream()
                .filter(row -> List.of("lab-a", "lab-b").contains(row.findElement(By.cssSelector("td.guest-host"))
                        .getText()))
                .map(row -> row.findElement(By.cssSelector("td.guest-name > a")).getText())
                .toList();
    }

    private List<String> rowHosts() {
        return driver.findElements(By.cssSelector("tr[id^='guest-'] td.guest-host")).stream()
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

    private HttpResponse<String> rest(String method, String path) throws Exception {
        return new AdminApi(port).call(method, path, null);
    }

    private String restState(long guestId) throws Exception {
        return JsonPath.read(rest("GET", "/api/v1/guests/" + guestId).body(), "$.state");
    }

    /** The id of the guest with this name on this host, once the inventory has it. */
    private long guestId(long hostId, String name) {
        String body = await().atMost(Duration.ofSeconds(15)).until(() -> rest("GET", "/api/v1/guests?host=" + hostId
                + "&q=" + URLEncoder.encode(name, StandardCharsets.UTF_8)).body(), json -> json.startsWith("{") && ((Number) JsonPath.read(json, "$.total")).intValue() > 0);
        return ((Number) JsonPath.read(body, "$.items[0].id")).longValue();
    }
}
