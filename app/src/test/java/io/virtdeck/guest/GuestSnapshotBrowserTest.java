package io.virtdeck.guest;

import java.io.IOException;
import java.util.List;

import io.virtdeck.core.Role;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator walks a guest's Snapshots tab in Chromium: takes two snapshots, reverts to the first after its
 * confirmation (declined once), takes a third that branches in the tree, deletes one; hibernates the guest and restores
 * it from the header; help desk sees the tree without buttons. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestSnapshotBrowserTest {

    private static final String DESK_PASSWORD = "desk-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private Browser browser;
    private WebDriver driver;
    private long guest;

    @BeforeAll
    void aGuestAUserAndABrowser() throws Exception {
        initialUsers.ensure(DESK_PASSWORD, "test", new InitialUsers.UserSpec("snap-desk", Role.HELPDESK));
        AdminApi admin = new AdminApi(port);
        guest = admin.guestIdOn(admin.hostIdOrRegister("snap-host", TestHosts.smallHost()), "alpha-web");
        browser = Browser.start(port);
        driver = browser.driver();
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void anOperatorTakesRevertsAndDeletesSnapshotsFromTheTab() {
        browser.logIn("admin", "admin-test-pw");
        browser.open("/guests/" + guest);
        browser.submitAndWait(driver.findElement(By.linkText("Snapshots")));
        assertThat(driver.getCurrentUrl()).endsWith("/guests/" + guest + "/snapshots");
        assertThat(driver.findElement(By.cssSelector(".snapshot-list .empty")).getText()).contains("No snapshots");
        browser.screenshot("snapshots-empty.png");

        take("before-upgrade", "Known good, before the package upgrade");
        assertThat(notice()).isEqualTo("Took snapshot before-upgrade (disk and memory; crash-consistent, no guest"
                + " agent answered: not frozen (the guest has no guest agent channel)).");
        take("after-config", "");
        assertThat(currentMark("after-config")).isTrue();

        revert("before-upgrade", false); // declined: nothing happens
        assertThat(currentMark("after-config")).isTrue();
        revert("before-upgrade", true);
        assertThat(notice()).isEqualTo("Reverted alpha-web to snapshot before-upgrade; it is now running.");
        assertThat(currentMark("before-upgrade")).isTrue();

        take("branch", "After the revert");
        List<String> children = driver.findElements(
                        By.cssSelector("li[data-snapshot='before-upgrade'] > ul > li")).stream()
                .map(li -> li.getAttribute("data-snapshot")).toList();
        assertThat(children).containsExactly("after-config", "branch");
        browser.screenshot("snapshots-tree.png");

        WebElement delete = snapshot("after-config").findElement(
                By.cssSelector("button[aria-label='Delete snapshot after-config']"));
        WebElement html = driver.findElement(By.tagName("html"));
        browser.inView(delete).click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).contains("after-config").contains("alpha-web").contains("can no longer go back");
        question.accept();
        browser.waitFor("the tab after deleting", () -> Browser.isStale(html));
        browser.waitForLoaded();
        assertThat(notice()).isEqualTo("Deleted snapshot after-config.");
        assertThat(driver.findElements(By.cssSelector("li[data-snapshot='after-config']"))).isEmpty();

        WebElement name = driver.findElement(By.id("snapshot-name"));
        name.sendKeys("branch");
        browser.submitAndWait(driver.findElement(By.cssSelector("#snapshot-create button[type=submit]")));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText())
                .isEqualTo("'alpha-web' already has a snapshot named 'branch'.");
        assertThat(driver.findElement(By.id("snapshot-name")).getAttribute("value")).as("kept to correct")
                .isEqualTo("branch");
        browser.screenshot("snapshots-refused.png");
    }

    @Test
    @Order(2)
    void hibernatingShowsSavedAndRestoreBringsItBack() {
        browser.open("/guests/" + guest);
        browser.submitAndWait(driver.findElement(By.cssSelector("button[aria-label='Hibernate alpha-web']")));
        assertThat(driver.findElements(By.cssSelector("#guest-header h1 .badge")).stream().map(WebElement::getText))
                .containsExactly("Saved");
        assertThat(notice()).isEqualTo("Hibernate: alpha-web is now saved (hibernated).");
        browser.screenshot("guest-saved.png");
        browser.open("/guests?q=alpha-web");
        assertThat(driver.findElements(By.cssSelector("#guest-" + guest + " .badge")).stream().map(WebElement::getText))
                .containsExactly("Saved");
        browser.screenshot("guests-saved.png");
        browser.submitAndWait(driver.findElement(By.cssSelector("#guest-" + guest
                + " button[aria-label='Restore alpha-web']")));
        assertThat(driver.findElement(By.cssSelector("#guest-" + guest + " .badge")).getText()).isEqualTo("Running");
    }

    @Test
    @Order(3)
    void helpdeskSeesTheTreeWithoutButtons() {
        browser.logOut();
        browser.logIn("snap-desk", DESK_PASSWORD);
        browser.open("/guests/" + guest + "/snapshots");
        assertThat(driver.findElements(By.cssSelector("li[data-snapshot]"))).hasSize(2);
        assertThat(driver.findElements(By.tagName("button")).stream().map(WebElement::getText))
                .doesNotContain("Revert", "Delete", "Take snapshot");
        browser.screenshot("snapshots-helpdesk.png");
    }

    private void take(String name, String description) {
        driver.findElement(By.id("snapshot-name")).sendKeys(name);
        driver.findElement(By.id("snapshot-description")).sendKeys(description);
        browser.submitAndWait(browser.inView(
                driver.findElement(By.cssSelector("#snapshot-create button[type=submit]"))));
    }

    private void revert(String name, boolean accept) {
        WebElement button = snapshot(name).findElement(
                By.cssSelector("button[aria-label='Revert to snapshot " + name + "']"));
        WebElement html = driver.findElement(By.tagName("html")); // before the question: it blocks the page
        browser.inView(button).click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).startsWith("Revert alpha-web to snapshot " + name + "?")
                .contains("present state is lost");
        if (!accept) {
            question.dismiss();
            return;
        }
        question.accept();
        browser.waitFor("the tab after reverting", () -> Browser.isStale(html));
        browser.waitForLoaded();
    }

    private WebElement snapshot(String name) {
        return driver.findElement(By.cssSelector("li[data-snapshot='" + name + "'] > .snapshot"));
    }

    private boolean currentMark(String name) {
        return snapshot(name).getText().contains("Current: the guest was last at this snapshot");
    }

    private String notice() {
        return driver.findElement(By.cssSelector(".notice")).getText();
    }
}
