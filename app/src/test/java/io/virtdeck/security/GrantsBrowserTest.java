package io.virtdeck.security;

import java.io.IOException;
import java.util.List;

import io.virtdeck.core.Role;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.HostService;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grants page in Chromium: an admin makes a group, puts a user without a role of their own in it and grants the
 * group help desk on one guest; that user then sees that guest alone. A user granted OPERATOR on one guest and VIEWER on
 * its host sees power buttons on that guest's row of the list and none on the others. Screenshots in
 * app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantsBrowserTest {

    private static final String PASSWORD = "grants-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    HostService hostService;
    @Autowired
    GuestQuery guestQuery;
    @Autowired
    InitialUsers initialUsers;

    @Autowired
    GrantRepository grants;

    private Browser browser;
    private long guest;
    private long operatedGuest;
    private long viewedGuest;

    @BeforeAll
    void aHostAUserWithoutARoleAndABrowser() throws IOException {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("alice", null),
                new InitialUsers.UserSpec("grants-admin", Role.ADMIN), new InitialUsers.UserSpec("bob", null));
        guest = AdminSetup.hostWithGuest(hostService, guestQuery, "grants-page", "beta-db");
        // bob: OPERATOR on one guest, VIEWER on the rest of its host
        operatedGuest = AdminSetup.hostWithGuest(hostService, guestQuery, "grants-rows", "alpha-web");
        long rowsHost = AdminSetup.asAdmin(() -> guestQuery.get(operatedGuest).hostId());
        viewedGuest = AdminSetup.guestOn(guestQuery, rowsHost, "beta-db");
        long bob = grants.userId("bob").orElseThrow();
        grants.insert(bob, null, ObjectRef.guest(operatedGuest), Role.OPERATOR, "test");
        grants.insert(bob, null, ObjectRef.host(rowsHost), Role.VIEWER, "test");
        browser = Browser.start(port);
    }

    @AfterAll
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anAdminGrantsAGroupOneGuestAndItsMemberSeesThatGuestAlone() {
        WebDriver driver = browser.driver();
        browser.logIn("grants-admin", PASSWORD);
        browser.open("/grants");
        driver.findElement(By.id("group-name")).sendKeys("desk");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Create group']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Group desk created");

        WebElement member = driver.findElement(By.cssSelector("input[name=username]"));
        member.sendKeys("alice");
        browser.submitAndWait(driver.findElement(By.xpath("//form[.//input[@name='username']]//button")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("alice added to desk");

        driver.findElement(By.cssSelector("#grant-subject option[value='group']")).click();
        driver.findElement(By.id("grant-name")).sendKeys("desk");
        driver.findElement(By.id("grant-path")).sendKeys("/guests/" + guest);
        driver.findElement(By.cssSelector("#grant-role option[value='HELPDESK']")).click();
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Grant']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("HELPDESK on /guests/" + guest + " granted to group desk.");

        driver.findElement(By.id("grant-name")).sendKeys("alice");
        driver.findElement(By.id("grant-path")).sendKeys("/pools/1");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Grant']")));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("path is '/'");
        browser.screenshot("grants.png");
        browser.assertAccessible("grants");
        browser.logOut();

        browser.logIn("alice", PASSWORD);
        browser.open("/guests");
        List<WebElement> rows = driver.findElements(By.cssSelector("tbody tr[id^='guest-']"));
        assertThat(rows).extracting(r -> r.getAttribute("id")).containsExactly("guest-" + guest);
        browser.screenshot("guests-granted-one.png");
        browser.assertAccessible("guests-granted-one");
        browser.open("/grants");
        assertThat(driver.getPageSource()).doesNotContain("Grant a role");
    }

    @Test
    void aGrantOnlyOperatorSeesPowerButtonsOnTheRowOfTheirGuestAndNotOnAGuestTheyOnlyView() {
        WebDriver driver = browser.driver();
        browser.logIn("bob", PASSWORD);
        browser.open("/guests");
        WebElement operated = driver.findElement(By.id("guest-" + operatedGuest));
        assertThat(operated.findElements(By.cssSelector("button[formaction$='/actions/poweroff']")))
                .extracting(WebElement::getText).containsExactly("Power off");
        assertThat(operated.findElements(By.linkText("Open console"))).hasSize(1);
        WebElement viewed = driver.findElement(By.id("guest-" + viewedGuest));
        assertThat(viewed.findElements(By.cssSelector("button, .console-link"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("tbody tr[id^='guest-']"))).hasSize(3);
        browser.screenshot("guests-grant-operator-rows.png");
        browser.assertAccessible("guests-grant-operator-rows");
        browser.logOut();
    }
}
