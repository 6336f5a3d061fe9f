package io.virtdeck.storage;

import java.io.IOException;

import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host's Storage and Networks pages in Chromium: an operator makes and deletes a volume, a network and an NFS pool
 * (the form shows the chosen type's fields).
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageNetworkPagesBrowserTest {

    private static final String PASSWORD = "pages-test-pw";
    private static final By ADD_STATIC_ENTRY =
            By.xpath("//div[@id='dhcp-backend']//button[text()='Add static entry']");

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private Browser browser;
    private WebDriver driver;
    private long host;

    @BeforeAll
    void aHost() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("s-viewer", Role.VIEWER));
        host = new AdminApi(port).hostIdOrRegister("storage-pages", TestHosts.smallHost());
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
    @Order(1)
    void anOperatorMakesAndDeletesAVolume() {
        browser.open("/hosts/" + host);
        browser.submitAndWait(driver.findElement(By.linkText("Storage")));
        browser.submitAndWait(driver.findElement(By.linkText("default")));
        assertThat(driver.findElement(By.cssSelector("section")).getText()).contains("alpha-web.qcow2")
                .contains("alpha-web"); // used by
        driver.findElement(By.id("volume-name")).sendKeys("notes.qcow2");
        driver.findElement(By.id("volume-size")).clear();
        driver.findElement(By.id("volume-size")).sendKeys("32");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Make volume']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("notes.qcow2");
        browser.screenshot("storage.png");
        browser.assertAccessible("storage");
        browser.inView(driver.findElement(By.cssSelector("button[aria-label='Delete volume notes.qcow2']"))).click();
        browser.waitForAlert().accept();
        browser.waitFor("the volume gone", () -> driver.findElements(By.cssSelector(".notice")).stream()
                .anyMatch(n -> n.getText().contains("deleted")));
        assertThat(driver.findElement(By.cssSelector("table")).getText()).doesNotContain("notes.qcow2");
    }

    @Test
    @Order(2)
    void anOperatorMakesANetworkAndIsToldWhatIsWrongWithABadOne() {
        browser.open("/hosts/" + host + "/networks");
        driver.findElement(By.id("network-name")).sendKeys("backend");
        driver.findElement(By.cssSelector("#network-mode option[value='nat']")).click();
        driver.findElement(By.id("network-address")).sendKeys("192.168.180.1");
        driver.findElement(By.id("network-dhcp-start")).sendKeys("192.168.181.10");
        driver.findElement(By.id("network-dhcp-end")).sendKeys("192.168.181.20");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Make network']"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("DHCP range must lie in");

        driver.findElement(By.id("network-name")).sendKeys("backend");
        driver.findElement(By.cssSelector("#network-mode option[value='nat']")).click();
        driver.findElement(By.id("network-address")).sendKeys("192.168.180.1");
        driver.findElement(By.id("network-dhcp-start")).sendKeys("192.168.180.10");
        driver.findElement(By.id("network-dhcp-end")).sendKeys("192.168.180.20");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Make network']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("backend");
        assertThat(driver.findElement(By.cssSelector("table")).getText()).contains("192.168.180.1/24")
                .contains("192.168.180.10 – 192.168.180.20");
        browser.screenshot("networks.png");
        browser.assertAccessible("networks");
    }

    @Test
    @Order(3)
    void anOperatorMakesAnNfsPoolWithItsOwnFieldsThenStopsAndDeletesIt() {
        browser.open("/hosts/" + host + "/storage");
        assertThat(driver.findElement(By.id("pool-path")).isDisplayed()).as("dir is chosen first").isTrue();
        assertThat(driver.findElement(By.id("pool-host")).isDisplayed()).isFalse();
        driver.findElement(By.id("pool-name")).sendKeys("nfs-images");
        driver.findElement(By.cssSelector("#pool-type option[value='netfs']")).click();
        assertThat(driver.findElement(By.id("pool-host")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("pool-export")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("pool-device")).isDisplayed()).as("fs only").isFalse();
        assertThat(driver.findElement(By.id("pool-iqn")).isDisplayed()).as("iscsi only").isFalse();
        assertThat(driver.findElement(By.id("pool-monitors")).isDisplayed()).as("rbd only").isFalse();
        driver.findElement(By.id("pool-host")).sendKeys("nfs1.example.com");
        driver.findElement(By.id("pool-export")).sendKeys("/export/images");
        driver.findElement(By.id("pool-path")).sendKeys("/srv/nfs-images");
        browser.inView(driver.findElement(By.id("pool-host")));
        browser.screenshot("storage-pool-netfs.png");
        browser.assertAccessible("storage-pool-netfs");
        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Make pool']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("nfs-images").contains("netfs");
        assertThat(driver.findElement(By.id("pool-nfs-images")).getText()).contains("Active").contains("netfs")
                .contains("/srv/nfs-images");

        browser.inView(driver.findElement(By.cssSelector("button[aria-label='Stop pool default']"))).click();
        assertThat(browser.waitForAlert().getText()).contains("Stop pool default");
        driver.switchTo().alert().accept();
        browser.waitFor("the refusal", () -> !driver.findElements(By.cssSelector(".problem")).isEmpty());
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("alpha-web, beta-db");

        browser.inView(driver.findElement(By.cssSelector("button[aria-label='Stop pool nfs-images']"))).click();
        browser.waitForAlert().accept();
        browser.waitFor("the pool stopped", () -> driver.findElement(By.id("pool-nfs-images")).getText()
                .contains("Inactive"));
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Build pool nfs-images']"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Start pool nfs-images']"))).hasSize(1);
        browser.inView(driver.findElement(By.cssSelector("button[aria-label='Delete pool nfs-images']"))).click();
        assertThat(browser.waitForAlert().getText()).contains("removed only if empty");
        driver.switchTo().alert().accept();
        browser.waitFor("the pool gone", () -> driver.findElements(By.id("pool-nfs-images")).isEmpty());
    }

    @Test
    @Order(4)
    void anOperatorGivesAMacAStaticAddressAndTakesItBack() {
        browser.open("/hosts/" + host + "/networks");
        driver.findElement(By.id("dhcp-mac-backend")).sendKeys("52:54:00:ab:cd:01");
        driver.findElement(By.id("dhcp-ip-backend")).sendKeys("192.168.180.5");
        driver.findElement(By.id("dhcp-name-backend")).sendKeys("printer");
        browser.submitAndWait(browser.inView(driver.findElement(ADD_STATIC_ENTRY)));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("192.168.180.5");
        assertThat(driver.findElement(By.id("dhcp-backend")).getText()).contains("52:54:00:ab:cd:01")
                .contains("printer").contains("This host does not report its DHCP leases");

        driver.findElement(By.id("dhcp-mac-backend")).sendKeys("52:54:00:ab:cd:02");
        driver.findElement(By.id("dhcp-ip-backend")).sendKeys("192.168.180.5");
        browser.submitAndWait(browser.inView(driver.findElement(ADD_STATIC_ENTRY)));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("already");
        browser.screenshot("networks-dhcp.png");
        browser.assertAccessible("networks-dhcp");

        browser.inView(driver.findElement(By.cssSelector("button[aria-label='Remove static entry 52:54:00:ab:cd:01']")))
                .click();
        browser.waitForAlert().accept();
        browser.waitFor("the entry gone", () -> driver.findElements(By.cssSelector(".notice")).stream()
                .anyMatch(n -> n.getText().contains("removed")));
        assertThat(driver.findElement(By.id("dhcp-backend")).getText()).doesNotContain("52:54:00:ab:cd:01");

        browser.submitAndWait(browser.inView(driver.findElement(
                By.cssSelector("button[aria-label='Turn off autostart of backend']"))));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("no longer starts");
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Turn on autostart of backend']")))
                .hasSize(1);
    }

    @Test
    @Order(5)
    void aViewerSeesStorageAndNetworksWithoutForms() {
        browser.logOut();
        browser.logIn("s-viewer", PASSWORD);
        browser.open("/hosts/" + host + "/networks");
        assertThat(driver.findElement(By.cssSelector("table")).getText()).contains("backend");
        assertThat(driver.findElements(By.cssSelector("form.inline-form"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("button.danger"))).isEmpty();
        browser.open("/hosts/" + host + "/storage?pool=default");
        assertThat(driver.findElements(By.cssSelector("form.inline-form"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("button[aria-label='Stop pool default']"))).isEmpty();
    }
}
