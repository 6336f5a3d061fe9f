package io.virtdeck.ha;

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
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator turns a guest's high availability on from its page's card, then finds it on the HA page; there makes an
 * anti-affinity group by finding and ticking guests, changes its guests, is told why a group of one is refused, and
 * deletes the group after a confirmation. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;
    private long guest;

    @BeforeAll
    void aGuestAndABrowser() throws Exception {
        AdminApi admin = new AdminApi(port);
        guest = admin.guestIdOn(admin.hostIdOrRegister("ha-host", TestHosts.smallHost()), "beta-db");
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
    void theCardTurnsItOnAndTheHaPageListsIt() {
        browser.logIn("admin", "admin-test-pw");
        browser.open("/guests/" + guest);
        browser.waitFor("the HA card", () -> !driver.findElements(By.cssSelector("#ha-card button")).isEmpty());
        assertThat(driver.findElement(By.id("ha-card")).getText()).contains("Off: when its host is lost");
        driver.findElement(By.cssSelector("#ha-card input[name=priority]")).clear();
        driver.findElement(By.cssSelector("#ha-card input[name=priority]")).sendKeys("20");
        browser.inView(driver.findElement(By.cssSelector("#ha-card button"))).click();
        browser.waitFor("the card saying it is on", () -> driver.findElement(By.id("ha-card")).getText()
                .contains("High availability is on, restart priority 20."));
        assertThat(driver.findElement(By.cssSelector("#ha-card button")).getText())
                .isEqualTo("Turn high availability off");
        browser.screenshot("ha-card.png");
        browser.assertAccessible("ha-card");

        browser.submitAndWait(driver.findElement(By.linkText("HA")));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("HA guests", "beta-db", "ha-host",
                "No restarts");
        browser.screenshot("ha-page.png");
        browser.assertAccessible("ha-page");
    }

    @Test
    @Order(2)
    void anAntiAffinityGroupIsMadeChangedAndDeletedOnTheHaPage() {
        browser.open("/ha");
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("never run on one host together",
                "No anti-affinity groups");
        driver.findElement(By.id("group-name")).sendKeys("db-replicas");
        pick("alpha", "alpha-web");
        pick("gamma", "gamma-build");
        assertThat(ticked()).containsExactly("alpha-web", "gamma-build");
        browser.inView(driver.findElement(By.id("group-form")));
        browser.screenshot("ha-group-form.png");
        browser.assertAccessible("ha-group-form");
        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Make group']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).isEqualTo("Anti-affinity group"
                + " db-replicas made: alpha-web, gamma-build never run on one host together. Together now:"
                + " alpha-web and gamma-build on ha-host. Migrate one to keep them apart; Virtdeck does not move"
                + " them by itself.");
        assertThat(groupRow()).contains("db-replicas", "alpha-web on ha-host", "gamma-build on ha-host");

        browser.submitAndWait(driver.findElement(By.cssSelector(
                "a[aria-label='Edit anti-affinity group db-replicas']")));
        assertThat(driver.findElement(By.cssSelector("#group-form h3")).getText())
                .isEqualTo("Guests of group db-replicas");
        assertThat(ticked()).containsExactly("alpha-web", "gamma-build");
        checkbox("gamma-build").click();
        pick("beta", "beta-db");
        assertThat(ticked()).containsExactly("alpha-web", "beta-db");
        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Save group']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("db-replicas saved");
        assertThat(groupRow()).contains("alpha-web on ha-host", "beta-db on ha-host").doesNotContain("gamma-build");
        browser.inView(driver.findElement(By.id("anti-affinity")));
        browser.screenshot("ha-groups.png");
        browser.assertAccessible("ha-groups");

        driver.findElement(By.id("group-name")).sendKeys("lonely");
        pick("gamma", "gamma-build");
        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Make group']")));
        assertThat(driver.findElement(By.cssSelector("#group-form .problem")).getText())
                .contains("at least two guests");
        assertThat(ticked()).as("the form as it was").containsExactly("gamma-build");
        assertThat(driver.findElement(By.id("group-name")).getAttribute("value")).isEqualTo("lonely");
        browser.inView(driver.findElement(By.id("group-form")));
        browser.screenshot("ha-group-refused.png");
        browser.assertAccessible("ha-group-refused");

        browser.inView(driver.findElement(By.cssSelector(
                "button[aria-label='Delete anti-affinity group db-replicas']"))).click();
        assertThat(browser.waitForAlert().getText()).startsWith("Delete anti-affinity group db-replicas?")
                .contains("The guests themselves are not changed.");
        driver.switchTo().alert().accept();
        browser.waitFor("the group gone", () -> driver.findElements(By.cssSelector(".notice")).stream()
                .anyMatch(n -> n.getText().contains("deleted")));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("No anti-affinity groups");
    }

    /** Searches the group form for {@code q} and ticks the guest found by that name. */
    private void pick(String q, String guest) {
        WebElement search = driver.findElement(By.id("group-q"));
        search.clear();
        search.sendKeys(q);
        browser.waitFor("'" + guest + "' offered", () -> !driver.findElements(checkboxOf(guest)).isEmpty()
                && !driver.findElement(checkboxOf(guest)).isSelected());
        checkbox(guest).click();
    }

    private WebElement checkbox(String guest) {
        return browser.inView(driver.findElement(checkboxOf(guest)));
    }

    private static By checkboxOf(String guest) {
        return By.xpath("//div[@id='group-choices']//label[.//strong[text()='" + guest + "']]/input");
    }

    /** The guests ticked in the group form, by name. */
    private List<String> ticked() {
        return driver.findElements(By.cssSelector("#group-choices label")).stream()
                .filter(label -> label.findElement(By.tagName("input")).isSelected())
                .map(label -> label.findElement(By.tagName("strong")).getText()).toList();
    }

    private String groupRow() {
        return driver.findElement(By.xpath("//h2[@id='anti-affinity']/following-sibling::table[1]")).getText();
    }
}
