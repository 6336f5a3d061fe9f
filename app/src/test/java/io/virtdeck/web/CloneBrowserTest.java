package io.virtdeck.web;

import java.io.IOException;
import java.util.List;

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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cloning and templates in a real, headless Chromium, as an operator: clone a shut-off guest from its page, mark it
 * as a template (after the confirmation), create a guest from it, and find a running guest's clone page refusing.
 * Screenshots go to app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloneBrowserTest {

    @LocalServerPort
    int port;

    private AdminApi api;
    private Browser browser;
    private WebDriver driver;
    private long host;
    private long gamma;

    @BeforeAll
    void aHostAndABrowser() throws Exception {
        api = new AdminApi(port);
        host = api.hostIdOrRegister("clone-lab", TestHosts.smallHost());
        gamma = api.guestIdOn(host, "gamma-build");
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn("admin", "admin-test-pw");
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void clonesAShutOffGuestFromItsPage() throws Exception {
        browser.open("/guests/" + gamma);
        browser.screenshot("clone-guest-detail.png");
        browser.assertAccessible("clone-guest-detail");
        browser.submitAndWait(driver.findElement(By.linkText("Clone…")));
        assertThat(heading()).contains("Clone gamma-build");
        assertThat(driver.findElement(By.cssSelector("main")).getText()).contains("full copy", "shared, not copied",
                "not available yet");
        WebElement name = driver.findElement(By.id("name"));
        assertThat(name.getAttribute("value")).isEqualTo("gamma-build-clone");
        browser.screenshot("clone-page.png");
        browser.assertAccessible("clone-page");

        // a name in use comes back on the page, as typed, with the reason
        name.clear();
        name.sendKeys("beta-db");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Clone gamma-build']"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText())
                .isEqualTo("A guest named 'beta-db' already exists on this host; choose another name.");
        assertThat(driver.findElement(By.id("name")).getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("clone-page-error.png");
        browser.assertAccessible("clone-page-error");

        driver.findElement(By.id("name")).clear();
        driver.findElement(By.id("name")).sendKeys("gamma-copy");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Clone gamma-build']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .startsWith("Cloning 'gamma-build' as 'gamma-copy': started (task ");
        long copy = api.guestIdOn(host, "gamma-copy");
        browser.open("/guests/" + copy);
        assertThat(driver.findElement(By.cssSelector(".guest-detail")).getText())
                .contains("/var/lib/libvirt/images/gamma-copy-vda.qcow2");
        browser.screenshot("clone-done.png");
        browser.assertAccessible("clone-done");
    }

    @Test
    @Order(2)
    void marksATemplateAndCreatesAGuestFromIt() throws Exception {
        browser.open("/guests/" + gamma);
        WebElement html = driver.findElement(By.tagName("html"));
        browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Mark as template']"))).click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).contains("gamma-build", "can no longer be started");
        question.accept();
        browser.waitFor("the page after marking", () -> Browser.isStale(html));
        browser.waitForLoaded();
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("gamma-build is now a template");
        assertThat(driver.findElement(By.cssSelector("h1")).getText()).contains("Template");
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Start gamma-build']"))).isEmpty();
        browser.screenshot("template-marked.png");
        browser.assertAccessible("template-marked");

        browser.submitAndWait(driver.findElement(By.linkText("Create guest from this template…")));
        assertThat(heading()).isEqualTo("New guest from template gamma-build");
        assertThat(driver.findElement(By.cssSelector("input[name=linked][value=true]")).isSelected()).isTrue();
        driver.findElement(By.id("name")).sendKeys("from-tpl");
        browser.screenshot("template-create-page.png");
        browser.assertAccessible("template-create-page");

        // cloud-init asked for with a host name that is none: the field is marked on the page, as typed
        browser.inView(driver.findElement(By.id("ci-enabled"))).click();
        driver.findElement(By.id("ci-hostname")).sendKeys("from tpl");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Create guest']"))));
        assertThat(driver.findElement(By.id("ci-hostname-error")).getText()).contains("no spaces");
        assertThat(driver.findElement(By.id("ci-hostname")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElement(By.id("ci-hostname")).getAttribute("value")).isEqualTo("from tpl");
        browser.screenshot("template-create-cloud-init-refused.png");
        browser.assertAccessible("template-create-cloud-init-refused");
        browser.inView(driver.findElement(By.id("ci-enabled"))).click(); // the test driver takes no seed uploads
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[normalize-space()='Create guest']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .startsWith("Creating 'from-tpl' from template 'gamma-build': started (task ");
        api.guestIdOn(host, "from-tpl");

        browser.open("/guests?host=" + host);
        List<String> templates = driver.findElements(By.cssSelector("tr[id^='guest-']")).stream()
                .filter(row -> !row.findElements(By.cssSelector(".badge-template")).isEmpty())
                .map(row -> row.findElement(By.cssSelector("td.guest-name > a")).getText()).toList();
        assertThat(templates).containsExactly("gamma-build");
        browser.screenshot("template-in-list.png");
        browser.assertAccessible("template-in-list");
    }

    @Test
    @Order(3)
    void aRunningGuestsClonePageSaysWhyNot() throws Exception {
        long alpha = api.guestIdOn(host, "alpha-web");
        browser.open("/guests/" + alpha + "/clone");
        assertThat(driver.findElement(By.cssSelector(".problem")).getText())
                .isEqualTo("'alpha-web' is running: shut it down first, so that its disks do not change while they"
                        + " are copied.");
        assertThat(driver.findElement(By.xpath("//button[normalize-space()='Clone alpha-web']")).isEnabled())
                .isFalse();
        browser.screenshot("clone-page-running.png");
        browser.assertAccessible("clone-page-running");
    }

    private String heading() {
        return driver.findElement(By.cssSelector("h1")).getText().replaceAll("\\s+", " ");
    }
}
