package io.virtdeck.inventory;

import java.io.IOException;
import java.util.List;

import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.TestPki;
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
 * The Hosts page's register form with credentials, in Chromium: the fields follow the kind chosen (CSS alone), an
 * admin registers a TLS host with pasted certificates, its page shows what is stored and when, never the key, and
 * the credentials are removed after a confirmation.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostCredentialsBrowserTest {

    @LocalServerPort
    int port;

    private TestPki pki;
    private TestLibvirtDaemon daemon;
    private Browser browser;
    private WebDriver driver;

    @BeforeAll
    void aTlsHostAndABrowser() throws Exception {
        pki = TestPki.create();
        daemon = new TestLibvirtDaemon().withTls(pki).start();
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
    }

    @AfterAll
    void closeAll() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (pki != null) {
            pki.close();
        }
    }

    @Test
    void anAdminRegistersATlsHostWithPastedCertificatesAndRemovesThemAgain() {
        browser.open("/hosts");
        WebElement clientKey = driver.findElement(By.id("cred-client-key"));
        WebElement privateKey = driver.findElement(By.id("cred-private-key"));
        assertThat(clientKey.isDisplayed()).as("TLS fields before a kind is chosen").isFalse();

        browser.inView(driver.findElement(By.cssSelector("input.kind-ssh-key"))).click();
        assertThat(privateKey.isDisplayed()).isTrue();
        assertThat(clientKey.isDisplayed()).isFalse();
        browser.inView(driver.findElement(By.id("host-uri")));
        browser.screenshot("host-register-ssh.png");
        browser.inView(driver.findElement(By.cssSelector("input.kind-tls"))).click();
        assertThat(clientKey.isDisplayed()).isTrue();
        assertThat(privateKey.isDisplayed()).isFalse();

        driver.findElement(By.id("host-name")).sendKeys("tls-page");
        driver.findElement(By.id("host-uri")).sendKeys(daemon.tlsUri());
        driver.findElement(By.id("cred-ca")).sendKeys(pki.pem("ca.pem"));
        driver.findElement(By.id("cred-cert")).sendKeys(pki.pem("client.pem"));
        clientKey.sendKeys(pki.pem("client.key"));
        browser.inView(driver.findElement(By.id("host-uri")));
        browser.screenshot("host-register-tls.png");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Register']"))));

        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("tls-page registered");
        browser.waitFor("the host connected", () -> {
            driver.navigate().refresh();
            return driver.findElement(By.cssSelector("h1")).getText().contains("Connected");
        });
        String card = driver.findElement(By.id("credentials")).getText();
        assertThat(card).contains("TLS client certificate").contains("stored (encrypted)").contains("by admin");
        assertNoKey(driver.getPageSource());
        browser.inView(driver.findElement(By.id("credentials")));
        browser.screenshot("host-credentials.png");

        browser.inView(driver.findElement(By.xpath("//summary[text()='Replace credentials…']"))).click();
        assertThat(driver.findElement(By.id("cred-client-key")).isDisplayed()).as("TLS chosen to replace").isTrue();
        browser.inView(driver.findElement(By.id("credentials")));
        browser.screenshot("host-credentials-replace.png");

        browser.inView(driver.findElement(By.xpath("//button[text()='Remove credentials']"))).click();
        assertThat(browser.waitForAlert().getText()).contains("tls-page").contains("stored keys are deleted");
        driver.switchTo().alert().accept();
        browser.waitFor("the credentials removed", () -> driver.findElements(By.cssSelector(".notice")).stream()
                .anyMatch(notice -> notice.getText().contains("Credentials of tls-page removed")));
        assertThat(driver.findElement(By.id("credentials")).getText()).contains("None");
    }

    private void assertNoKey(String page) {
        for (String key : List.of("client.key")) {
            pki.pem(key).lines().filter(line -> !line.startsWith("-----"))
                    .forEach(line -> assertThat(page).doesNotContain(line.substring(0, Math.min(24, line.length()))));
        }
    }
}
