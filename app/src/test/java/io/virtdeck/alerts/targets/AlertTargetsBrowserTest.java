package io.virtdeck.alerts.targets;

import java.io.IOException;

import io.virtdeck.support.Browser;
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
 * An administrator makes a webhook target on the Alert targets page, a wrong URL refused beside its field, then
 * presses Send a test (htmx, under the strict CSP) and reads the receiver's answer in plain words, for a receiver that
 * takes it and one that answers 500; the mail form is accessible as well. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertTargetsBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;

    @BeforeAll
    void aBrowser() throws Exception {
        browser = Browser.start(port);
        driver = browser.driver();
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    private void type(String field, String text) {
        WebElement input = driver.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
    }

    @Test
    void anAdministratorMakesAWebhookTargetAndSendsItATest() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            browser.logIn("admin", "admin-test-pw");
            browser.open("/guests");
            browser.submitAndWait(driver.findElement(By.linkText("Alert targets")));
            browser.submitAndWait(driver.findElement(By.linkText("New webhook target")));
            type("name", "chat ops");
            type("url", "ftp://chat.example.com/hook");
            type("key", "0123456789abcdef-chat");
            browser.submitAndWait(driver.findElement(By.cssSelector("form.target-form button[type=submit]")));
            assertThat(driver.findElement(By.id("url-error")).getText()).contains("an http:// or https:// address");
            assertThat(driver.findElement(By.id("url")).getAttribute("aria-invalid")).isEqualTo("true");
            browser.screenshot("alert-target-refused.png");
            browser.assertAccessible("alert-target-refused");

            type("url", receiver.url());
            type("key", "0123456789abcdef-chat");
            browser.submitAndWait(driver.findElement(By.cssSelector("form.target-form button[type=submit]")));
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("Target 'chat ops' was made");

            driver.findElement(By.cssSelector("form.target-test button[type=submit]")).click();
            browser.waitFor("the test's answer", () -> driver.findElement(By.id("test-answer")).getText()
                    .startsWith("Sent:"));
            assertThat(driver.findElement(By.id("test-answer")).getText())
                    .isEqualTo("Sent: the receiver answered 200");
            assertThat(receiver.requests()).hasSize(1);
            browser.screenshot("alert-target-test-sent.png");
            browser.assertAccessible("alert-target-test-sent");

            receiver.answer(500);
            driver.findElement(By.cssSelector("form.target-test button[type=submit]")).click();
            browser.waitFor("the failed test's answer", () -> driver.findElement(By.id("test-answer")).getText()
                    .startsWith("Failed:"));
            assertThat(driver.findElement(By.id("test-answer")).getText())
                    .isEqualTo("Failed: the receiver answered 500: database is down");
            browser.screenshot("alert-target-test-failed.png");

            browser.open("/alerts/targets");
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("chat ops", receiver.url(),
                    "Signing key set", "None yet");
            browser.screenshot("alert-targets.png");
            browser.assertAccessible("alert-targets");

            browser.submitAndWait(driver.findElement(By.linkText("New mail target")));
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("Mail server", "Security",
                    "User name", "Certificate authority (optional)", "From", "To");
            browser.screenshot("alert-target-mail-form.png");
            browser.assertAccessible("alert-target-mail-form");
        }
    }
}
