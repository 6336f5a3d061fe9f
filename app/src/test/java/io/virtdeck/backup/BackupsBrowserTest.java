package io.virtdeck.backup;

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
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator registers a backup store and makes a scheduled job from the Backups page: the schedule's next runs show
 * as it is typed, a schedule that never fires is refused beside its field, the job runs now and its outcome shows,
 * and deleting it asks first, naming it. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupsBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;
    private long guest;

    @BeforeAll
    void aGuestAndABrowser() throws Exception {
        AdminApi admin = new AdminApi(port);
        guest = admin.guestIdOn(admin.hostIdOrRegister("backup-host", TestHosts.smallHost()), "alpha-web");
        browser = Browser.start(port);
        driver = browser.driver();
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    private WebElement main() {
        return driver.findElement(By.tagName("main"));
    }

    private void type(String field, String text) {
        WebElement input = driver.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
    }

    @Test
    void anOperatorMakesAStoreAndAJobAndSeesItRun() {
        browser.logIn("admin", "admin-test-pw");
        browser.open("/guests");
        browser.submitAndWait(driver.findElement(By.linkText("Backups")));
        assertThat(main().getText()).contains("Stores", "Jobs", "Schedules are read in the server's time zone");
        browser.screenshot("backups-start.png");
        browser.assertAccessible("backups-start");

        browser.submitAndWait(driver.findElement(By.linkText("New store")));
        type("name", "nightly");
        driver.findElement(By.xpath("//select[@id='hostId']/option[.='backup-host']")).click();
        browser.waitFor("the host's pools", () -> !driver.findElements(By.cssSelector("#pool option[value=default]"))
                .isEmpty());
        driver.findElement(By.cssSelector("#pool option[value=default]")).click();
        browser.screenshot("backups-store-form.png");
        browser.assertAccessible("backups-store-form");
        browser.submitAndWait(driver.findElement(By.cssSelector("form.store-form button[type=submit]")));
        assertThat(main().getText()).contains("Store 'nightly' was registered", "backup-host", "default");

        browser.submitAndWait(driver.findElement(By.linkText("New job")));
        type("name", "web-nightly");
        type("guestName", "alpha-web");
        driver.findElement(By.xpath("//select[@id='storeId']/option[starts-with(., 'nightly ')]")).click();
        type("schedule", "0 22 * * MON-FRI");
        browser.waitFor("the next runs of the typed schedule", () -> driver.findElement(By.id("next-runs")).getText()
                .contains("22:00"));
        assertThat(driver.findElement(By.id("next-runs")).getText()).contains("Next runs:");
        assertThat(driver.findElements(By.cssSelector("#next-runs li"))).hasSize(3)
                .allSatisfy(run -> assertThat(run.getText()).matches("(Mon|Tue|Wed|Thu|Fri) .* 22:00 .*"));
        type("keepLast", "7");
        type("keepWeekly", "4");
        browser.inView(driver.findElement(By.cssSelector("input[name=verify][value=serial]"))).click();
        type("verifyText", "login:");
        browser.screenshot("backups-job-form.png");
        browser.assertAccessible("backups-job-form");

        type("schedule", "0 0 30 2 *");
        browser.submitAndWait(driver.findElement(By.cssSelector("form.job-form button[type=submit]")));
        assertThat(driver.findElement(By.id("schedule-error")).getText()).contains("never fires");
        assertThat(driver.findElement(By.id("schedule")).getAttribute("aria-invalid")).isEqualTo("true");
        browser.inView(driver.findElement(By.id("schedule")));
        browser.screenshot("backups-job-refused.png");
        browser.assertAccessible("backups-job-refused");

        type("schedule", "30 2 * * *");
        browser.submitAndWait(driver.findElement(By.cssSelector("form.job-form button[type=submit]")));
        assertThat(main().getText()).contains("Job 'web-nightly' was made", "alpha-web", "30 2 * * *",
                "Keeps the last 7; 1 a week for 4 week(s)", "Not yet");

        // the test driver has no backup API: the run's backup fails, and the list says so
        browser.submitAndWait(driver.findElement(By.cssSelector("button[aria-label='Run job web-nightly now']")));
        assertThat(main().getText()).contains("Started 1 backup(s): alpha-web");
        browser.waitFor("the run's outcome", () -> {
            browser.open("/backups");
            return main().getText().contains("1 failed");
        });
        browser.screenshot("backups-page.png");
        browser.assertAccessible("backups-page");

        browser.submitAndWait(driver.findElement(By.cssSelector("a[aria-label='Delete job web-nightly']")));
        assertThat(main().getText()).contains("Delete job 'web-nightly'?", "The backups it made stay");
        browser.screenshot("backups-job-delete.png");
        browser.assertAccessible("backups-job-delete");
        browser.submitAndWait(driver.findElement(By.cssSelector("button.danger")));
        assertThat(main().getText()).contains("Job 'web-nightly' was deleted");
        assertThat(driver.findElements(By.cssSelector("a[aria-label='Delete job web-nightly']"))).isEmpty();

        browser.open("/guests/" + guest + "/backups");
        assertThat(main().getText()).contains("Backup points", "Failed", "Back up now");
        browser.screenshot("guest-backups-tab.png");
        browser.assertAccessible("guest-backups-tab");
    }
}
