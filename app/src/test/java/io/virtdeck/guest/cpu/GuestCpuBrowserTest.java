package io.virtdeck.guest.cpu;

import java.io.IOException;

import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
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
 * In Chromium: the hosts list with its guests counted by state, and a guest's CPU chosen on its Configure page (a
 * named model with a required feature), shown back as it was saved.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestCpuBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;
    private long host;
    private long build;

    @BeforeAll
    void aShutOffGuest() throws Exception {
        AdminApi api = new AdminApi(port);
        host = api.hostIdOrRegister("cpu-page-host", TestHosts.smallHost());
        build = api.guestIdOn(host, "gamma-build");
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
    }

    @AfterAll
    void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theHostsListCountsEachHostsGuestsByState() {
        browser.open("/hosts");
        String row = driver.findElement(By.id("host-" + host)).getText();
        assertThat(row).contains("1 running", "1 paused", "1 shut off");
        browser.screenshot("hosts-glance.png");
        browser.assertAccessible("hosts list");
    }

    @Test
    void anOperatorGivesAGuestANamedCpuModelWithARequiredFeature() {
        browser.open("/guests/" + build + "/configure");
        option("cpu-mode", "custom").click();
        option("cpu-model", "Westmere").click();
        browser.inView(option("cpu-require", "pae")).click();
        browser.inView(driver.findElement(By.id("cpu-mode")));
        browser.screenshot("guest-cpu-configure.png");
        browser.assertAccessible("configure page with its CPU section");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Save']"))));
        assertThat(driver.getPageSource()).contains("Saved the configuration of gamma-build");

        browser.open("/guests/" + build + "/configure");
        assertThat(option("cpu-mode", "custom").isSelected()).isTrue();
        assertThat(option("cpu-model", "Westmere").isSelected()).isTrue();
        assertThat(driver.findElements(By.cssSelector("#cpu-require option")).stream()
                .filter(WebElement::isSelected).map(WebElement::getText)).containsExactly("pae");
    }

    private WebElement option(String select, String value) {
        return driver.findElement(By.cssSelector("#" + select + " option[value='" + value + "']"));
    }
}
