package io.virtdeck.guest;

import java.io.IOException;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
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

/** The Configure page in Chromium: resize a guest, give it limits and a description; a wrong limit is shown at its field. */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestConfigBrowserTest {

    @LocalServerPort
    int port;

    private AdminApi api;
    private Browser browser;
    private WebDriver driver;
    private long build;

    @BeforeAll
    void aShutOffGuest() throws Exception {
        api = new AdminApi(port);
        long host = api.hostIdOrRegister("configure-host", TestHosts.smallHost());
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
    void anOperatorIsToldWhyANicWithAnAddressInUseIsNotPlugged() {
        browser.open("/guests/" + build + "/devices");
        driver.findElement(By.cssSelector("#model option[value='e1000e']")).click();
        driver.findElement(By.id("mac")).sendKeys("52:54:00:00:00:01"); // alpha-web's NIC has it
        browser.screenshot("guest-devices.png");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Add NIC']"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText())
                .contains("52:54:00:00:00:01 is used by a NIC of a guest");
        assertThat(driver.findElement(By.cssSelector(".devices")).getText()).contains("No network interfaces");

        driver.findElement(By.id("bridge")).sendKeys("br-none"); // typed, a bridge is taken instead of the network
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Add NIC']"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("has no bridge 'br-none'");
    }

    @Test
    void anOperatorResizesAGuestAndLimitsIt() throws Exception {
        browser.open("/guests/" + build);
        browser.submitAndWait(driver.findElement(By.linkText("Configure…")));
        set("vcpus", "2");
        set("memoryMiB", "768");
        set("description", "Nightly builds.\nAsk the CI team before stopping it.");
        set("cpuShares", "2048");
        set("memoryHardLimitMiB", "512");
        set("memorySoftLimitMiB", "1024"); // above the hard one: refused
        browser.screenshot("guest-configure.png");
        browser.submitAndWait(browser.inView(driver.findElement(By.cssSelector("button[type=submit].primary"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("soft memory limit");
        assertThat(driver.findElement(By.id("memorySoftLimitMiB")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(driver.findElement(By.id("vcpus")).getAttribute("value")).as("what was typed stays").isEqualTo("2");
        browser.screenshot("guest-configure-error.png");

        set("memorySoftLimitMiB", "384");
        browser.submitAndWait(browser.inView(driver.findElement(By.cssSelector("button[type=submit].primary"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Saved the configuration");
        assertThat(driver.findElement(By.cssSelector(".guest-detail")).getText()).contains("768 MiB")
                .contains("Ask the CI team");
        String limits = api.get("/api/v1/guests/" + build + "/limits");
        assertThat(JsonPath.<Integer>read(limits, "$.cpuShares")).isEqualTo(2048);
        assertThat(JsonPath.<Integer>read(limits, "$.memoryHardLimitMiB")).isEqualTo(512);
        assertThat(JsonPath.<Integer>read(api.get("/api/v1/guests/" + build), "$.vcpus")).isEqualTo(2);
        browser.screenshot("guest-configured.png");
    }

    private void set(String id, String value) {
        WebElement field = browser.inView(driver.findElement(By.id(id)));
        field.clear();
        field.sendKeys(value);
    }
}
