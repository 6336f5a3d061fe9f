package io.virtdeck.security;

import java.io.IOException;

import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.UsesBrowser;
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
 * The Users page and My account in a real, headless Chromium: an admin creates an operator; the operator makes a
 * viewer token (shown once) and revokes it after the confirmation; the admin disables the operator, whose open
 * session then ends. Screenshots go to app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountBrowserTest {

    @LocalServerPort
    int port;

    private Browser admin;
    private Browser operator;

    @BeforeAll
    void twoBrowsers() throws IOException {
        admin = Browser.start(port);
        operator = Browser.start(port);
    }

    @AfterAll
    void quitTheBrowsers() throws IOException {
        for (Browser browser : new Browser[] {admin, operator}) {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @Test
    void anAdminMakesAnOperatorWhoMakesAndRevokesATokenAndIsThenDisabled() {
        WebDriver adminPage = admin.driver();
        admin.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        admin.submitAndWait(adminPage.findElement(By.linkText("Users")));
        adminPage.findElement(By.id("new-username")).sendKeys("ab-olivia");
        adminPage.findElement(By.id("new-password")).sendKeys(Api.USER_PASSWORD);
        adminPage.findElement(By.cssSelector("#new-role option[value=OPERATOR]")).click();
        admin.submitAndWait(adminPage.findElement(By.xpath("//button[normalize-space()='Create']")));
        assertThat(adminPage.findElement(By.cssSelector(".notice")).getText())
                .isEqualTo("User ab-olivia created as OPERATOR.");
        admin.screenshot("users.png");
        admin.assertAccessible("users");

        WebDriver page = operator.driver();
        operator.logIn("ab-olivia", Api.USER_PASSWORD);
        operator.submitAndWait(page.findElement(By.linkText("ab-olivia")));
        page.findElement(By.id("token-name")).sendKeys("nightly-report");
        page.findElement(By.cssSelector("#token-role option[value=VIEWER]")).click();
        operator.submitAndWait(operator.inView(page.findElement(By.xpath("//button[normalize-space()='Create token']"))));
        String secret = page.findElement(By.id("new-token-secret")).getAttribute("value");
        assertThat(secret).startsWith("vdt_");
        assertThat(page.findElement(By.id("token-role")).getText()).doesNotContain("ADMIN");
        operator.screenshot("account-new-token.png");
        operator.assertAccessible("account-new-token");
        operator.open("/account");
        assertThat(page.getPageSource()).doesNotContain(secret).contains("nightly-report");

        page.findElement(By.xpath("//button[normalize-space()='Revoke']")).click();
        var confirm = operator.waitForAlert();
        assertThat(confirm.getText()).isEqualTo("Revoke the token nightly-report? Scripts using it stop working.");
        confirm.accept();
        operator.waitFor("the revoked token", () -> page.findElements(By.cssSelector(".notice")).stream()
                .anyMatch(n -> n.getText().startsWith("Token revoked")));
        assertThat(page.findElement(By.cssSelector("table")).getText()).contains("Revoked");
        operator.screenshot("account-token-revoked.png");
        operator.assertAccessible("account-token-revoked");

        admin.open("/admin/users");
        admin.submitAndWait(adminPage.findElement(By.linkText("ab-olivia")));
        adminPage.findElement(By.xpath("//button[normalize-space()='Disable']")).click();
        var disable = admin.waitForAlert();
        assertThat(disable.getText()).startsWith("Disable ab-olivia?");
        disable.accept();
        admin.waitFor("the disabled badge", () -> adminPage.findElements(By.cssSelector(".page-head .badge")).stream()
                .anyMatch(b -> b.getText().equals("Disabled")));
        admin.screenshot("user-disabled.png");
        admin.assertAccessible("user-disabled");

        operator.open("/guests");
        assertThat(page.getCurrentUrl()).contains("/login");

        // the trail of it all: the action filter offers the catalogue's families; "token" finds both token actions
        admin.open("/audit");
        adminPage.findElement(By.cssSelector("#audit-action option[value='token']")).click();
        admin.submitAndWait(adminPage.findElement(By.xpath("//button[normalize-space()='Filter']")));
        assertThat(adminPage.findElements(By.cssSelector("table tbody tr")).stream()
                .filter(row -> row.getText().contains("ab-olivia")).map(row -> row.findElements(By.tagName("td"))
                        .get(2).getText()).toList()).containsExactly("token.revoke", "token.create");
        var chosen = adminPage.findElement(By.cssSelector("#audit-action option[value='token']"));
        assertThat(chosen.isSelected()).isTrue();
        assertThat(chosen.getText()).isEqualTo("token.* (2 actions)");
        admin.screenshot("audit-filtered-by-family.png");
        admin.assertAccessible("audit-filtered-by-family");
    }
}
