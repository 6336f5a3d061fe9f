package io.virtdeck.migration;

import java.io.IOException;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.UsesLab;
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
 * The migrate and maintenance pages on the lab, in Chromium: an operator picks lab2 for running tiny1, forces it
 * (the lab's disks are shared, which libvirt cannot tell), and watches the migration's progress in the tasks drawer.
 */
@VirtdeckServerTest
@UsesBrowser
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationPagesLabBrowserTest {

    @LocalServerPort
    int port;

    private AdminApi api;
    private Browser browser;
    private WebDriver driver;
    private long lab1;
    private long tiny1;

    @BeforeAll
    void tiny1RunningOnLab1() throws Exception {
        api = new AdminApi(port);
        Lab.tiny1BackOnLab1();
        lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        api.hostIdOrRegister("lab2", Lab.LAB2);
        tiny1 = api.guestIdOn(lab1, "tiny1");
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            assertThat(api.call("POST", "/api/v1/guests/" + tiny1 + "/actions/start", null).statusCode())
                    .isEqualTo(200);
        }
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn(io.virtdeck.support.Api.ADMIN, io.virtdeck.support.Api.ADMIN_PASSWORD);
    }

    @AfterAll
    void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anOperatorMigratesFromTheGuestPageAndWatchesItsProgress() throws Exception {
        browser.open("/hosts/" + lab1 + "/maintenance");
        assertThat(driver.findElement(By.tagName("h1")).getText().replaceAll("\\s+", " ")).contains("Put lab1 in maintenance?");
        assertThat(driver.findElement(By.cssSelector("section")).getText()).contains("tiny1");
        browser.screenshot("maintenance.png");

        browser.open("/guests/" + tiny1 + "/migrate");
        assertThat(driver.findElement(By.cssSelector("section")).getText()).contains("Live migration");
        // each in the middle of the window: Selenium scrolls only until an element shows, maybe under the drawer
        browser.inView(driver.findElement(By.xpath("//label[.//strong[text()='lab2']]"))).click();
        browser.inView(driver.findElement(By.cssSelector("details.advanced summary"))).click();
        driver.findElement(By.name("bandwidthMiBps")).sendKeys("8"); // slow enough to watch
        browser.inView(driver.findElement(By.name("unsafe"))).click();
        browser.screenshot("migrate.png");
        browser.submitAndWait(browser.inView(driver.findElement(By.cssSelector("button[type=submit].primary"))));

        browser.waitFor(Duration.ofSeconds(30), "the migration's progress in the tasks drawer", () ->
                driver.findElement(By.cssSelector(".tasks-drawer")).getText().matches("(?s).*[1-9]\\d* of \\d+ MiB.*"));
        browser.screenshot("migrate-progress.png");
        browser.waitFor(Duration.ofSeconds(90), "tiny1 on lab2", () -> {
            try {
                return JsonPath.<String>read(api.get("/api/v1/guests/" + tiny1), "$.hostName")
                        .equals("lab2") && driver.findElement(By.cssSelector(".tasks-drawer")).getText()
                        .contains("moved from lab1 to lab2");
            } catch (Exception e) {
                return false;
            }
        });
        Lab.consoleAnswers(Lab.LAB2, "tiny1");
        Lab.tiny1BackOnLab1();
    }
}
