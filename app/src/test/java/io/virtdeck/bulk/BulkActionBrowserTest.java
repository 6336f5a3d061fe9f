package io.virtdeck.bulk;

import java.io.IOException;
import java.util.List;

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
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator filters the guest list to one host, ticks "all on this page", chooses Power off, is asked once naming
 * the three guests and what is lost, and follows the bulk action's page to its result, which names the guest that was
 * already shut off. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkActionBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;
    private long host;

    @BeforeAll
    void aHostAndABrowser() throws Exception {
        AdminApi admin = new AdminApi(port);
        host = admin.hostIdOrRegister("bulk-host", TestHosts.smallHost());
        admin.guestIdOn(host, "gamma-build");
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
    void allOnThePageArePoweredOffAfterOneConfirmationAndTheResultNamesTheSkipped() {
        browser.logIn("admin", "admin-test-pw");
        browser.open("/guests?host=" + host);
        browser.inView(driver.findElement(By.cssSelector("input[data-select-page]"))).click();
        assertThat(driver.findElements(By.cssSelector("input[name=guestIds]"))).hasSize(3)
                .allMatch(WebElement::isSelected);
        driver.findElement(By.cssSelector("#bulk-action option[value=poweroff]")).click();
        browser.screenshot("bulk-list.png");
        browser.assertAccessible("bulk-list");

        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Continue…']")));
        String confirm = driver.findElement(By.tagName("main")).getText();
        assertThat(confirm).contains("Power off 3 guests?", "alpha-web", "beta-db", "gamma-build",
                "whatever it has not written to disk is lost");
        browser.screenshot("bulk-confirm.png");
        browser.assertAccessible("bulk-confirm");

        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Power off 3 guests']")));
        browser.waitFor("the bulk action to end", () -> driver.findElement(By.id("bulk-progress")).getText()
                .contains("Ended"));
        String result = driver.findElement(By.id("bulk-progress")).getText();
        assertThat(result).contains("Power off: 2 of 3 guests done, 0 failed, 1 skipped.",
                "gamma-build", "Skipped: it is shut off");
        List<WebElement> rows = driver.findElements(By.cssSelector("#bulk-progress tbody tr"));
        assertThat(rows).hasSize(1);
        browser.screenshot("bulk-result.png");
        browser.assertAccessible("bulk-result");
    }
}
