package io.virtdeck.ha;

import java.io.IOException;

import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Browser;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator turns a guest's high availability on from its page's card, then finds it on the HA page. Screenshots in
 * app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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

        browser.submitAndWait(driver.findElement(By.linkText("HA")));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("HA guests", "beta-db", "ha-host",
                "No restarts");
        browser.screenshot("ha-page.png");
    }
}
