package io.virtdeck.guest.devices;

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
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Devices page's disk controls, on a test-driver host: attaching a volume another guest has is refused naming
 * that guest; moving a disk asks first (naming the guest and what a deleted volume means) and is refused to the pool
 * the disk is in; a shut-off guest's loaded CD-ROM drive offers Eject, and the images of the pools to insert.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestDisksBrowserTest {

    @LocalServerPort
    int port;

    private Browser browser;
    private WebDriver driver;
    private long web;
    private long build;

    @BeforeAll
    void twoGuests() throws Exception {
        AdminApi api = new AdminApi(port);
        long host = api.hostIdOrRegister("disks-host", TestHosts.smallHost());
        web = api.guestIdOn(host, "alpha-web");
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
    void anOperatorAttachesAVolumeAndMovesADiskOfARunningGuest() {
        browser.open("/guests/" + web + "/devices");
        driver.findElement(By.cssSelector("#attach-volume option[value='default/beta-db.qcow2']")).click();
        driver.findElement(By.cssSelector("#move-pool option[value='default']")).click();
        driver.findElement(By.cssSelector("input[name=deleteSource][value=true]")).click();
        browser.assertAccessible("the Devices page of a running guest");
        browser.screenshot("guest-disks-running.png");

        browser.submitAndWait(browser.inView(driver.findElement(By.xpath("//button[text()='Attach volume']"))));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText())
                .contains("is a disk of 'beta-db'", "does not mark it shareable");

        WebElement html = driver.findElement(By.tagName("html"));
        browser.inView(driver.findElement(By.xpath("//button[text()='Move disk']"))).click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).contains("alpha-web", "cannot be brought back");
        question.accept();
        browser.waitFor("the page after Move disk", () -> Browser.isStale(html));
        browser.waitForLoaded();
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("in pool 'default' already");
        browser.screenshot("guest-disks-move-refused.png");
    }

    @Test
    void aShutOffGuestsCdromOffersEjectAndTheImagesToInsertAndItsDisksMayMove() {
        browser.open("/guests/" + build + "/devices");
        assertThat(driver.findElement(By.id("move-disk")).getText()).as("a shut-off guest's disk is moved too")
                .contains("The guest stays shut off while its disk is copied");
        assertThat(driver.findElements(By.cssSelector("#cdrom-image option"))).extracting(WebElement::getText)
                .containsExactly("default / install.iso");
        WebElement eject = driver.findElement(By.cssSelector("button[aria-label='Eject the CD-ROM in sda']"));
        browser.assertAccessible("the Devices page of a shut-off guest with a CD-ROM");
        browser.inView(eject);
        browser.screenshot("guest-disks-cdrom.png");
        eject.click();
        Alert question = browser.waitForAlert();
        assertThat(question.getText()).contains("install.iso", "gamma-build");
        question.dismiss();
    }
}
