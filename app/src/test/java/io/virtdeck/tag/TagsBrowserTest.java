package io.virtdeck.tag;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.virtdeck.core.Role;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.GuestSort;
import io.virtdeck.inventory.HostService;
import io.virtdeck.security.GrantRepository;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.security.ObjectRef;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tags in Chromium: an operator tags a guest on its page (two tags typed at once, then one removed by its chip's ×),
 * sees the chips on the guest list and clicks one to filter the list; a help-desk user whose only grant is on that
 * tag then sees that guest alone, with its chips and no editor; a host's tags on the Hosts page filter it. Screenshots
 * in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagsBrowserTest {

    private static final String PASSWORD = "tags-test-pw";

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
    private long host;
    private long guest;

    @BeforeAll
    void aHostUsersAndABrowser() throws IOException {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("tag-operator", Role.OPERATOR),
                new InitialUsers.UserSpec("tag-desk", null));
        host = asAdmin(() -> hostService.register("tags-page", TestHosts.smallHost()).id());
        guest = asAdmin(() -> await().atMost(Duration.ofSeconds(10)).until(() -> guestQuery.find(
                new GuestFilter(host, null, "alpha-web"), GuestSort.DEFAULT, 0, 1).items(),
                found -> !found.isEmpty()).get(0).id());
        grants.insert(grants.userId("tag-desk").orElseThrow(), null, ObjectRef.tag("customer-b"), Role.HELPDESK,
                "test");
        browser = Browser.start(port);
    }

    private static <T> T asAdmin(Supplier<T> work) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN"))));
        try {
            return work.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @AfterAll
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    private List<String> chips(WebElement within) {
        return within.findElements(By.cssSelector("ul.chips a.chip")).stream().map(WebElement::getText).toList();
    }

    @Test
    void anOperatorTagsAGuestAndTheHelpDeskGrantedTheTagSeesItAlone() {
        WebDriver driver = browser.driver();
        browser.logIn("tag-operator", PASSWORD);
        browser.open("/guests/" + guest);
        driver.findElement(By.id("tag-add")).sendKeys("customer-b, env:prod team-x");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Add tag']")));
        assertThat(driver.findElement(By.cssSelector(".notice")).getText())
                .contains("Tags customer-b, env:prod, team-x added");
        WebElement head = driver.findElement(By.id("guest-header"));
        assertThat(chips(head)).containsExactly("customer-b", "env:prod", "team-x");
        browser.submitAndWait(head.findElement(By.cssSelector("button[aria-label='Remove tag team-x']")));
        assertThat(chips(driver.findElement(By.id("guest-header")))).containsExactly("customer-b", "env:prod");

        driver.findElement(By.id("tag-add")).sendKeys("Env:Prod");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Add tag']")));
        assertThat(driver.findElement(By.cssSelector(".problem")).getText()).contains("lower-case");
        browser.screenshot("tags-guest-page.png");
        browser.assertAccessible("tags-guest-page");

        browser.open("/guests?host=" + host);
        WebElement row = driver.findElement(By.id("guest-" + guest));
        assertThat(chips(row)).containsExactly("customer-b", "env:prod");
        browser.submitAndWait(row.findElement(By.linkText("customer-b")));
        assertThat(driver.getCurrentUrl()).contains("tag=customer-b").contains("host=" + host);
        assertThat(driver.findElements(By.cssSelector("tbody tr[id^='guest-']")))
                .extracting(r -> r.getAttribute("id")).containsExactly("guest-" + guest);
        assertThat(driver.findElement(By.cssSelector(".tag-filter")).getText()).contains("customer-b");
        browser.screenshot("tags-guest-list-filtered.png");
        browser.assertAccessible("tags-guest-list-filtered");

        browser.open("/hosts/" + host);
        driver.findElement(By.id("tag-add")).sendKeys("site:lab");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Add tag']")));
        browser.open("/hosts");
        browser.submitAndWait(driver.findElement(By.id("host-" + host)).findElement(By.linkText("site:lab")));
        assertThat(driver.findElements(By.cssSelector("tbody tr[id^='host-']")))
                .extracting(r -> r.getAttribute("id")).containsExactly("host-" + host);
        browser.screenshot("tags-hosts-filtered.png");
        browser.assertAccessible("tags-hosts-filtered");
        browser.logOut();

        browser.logIn("tag-desk", PASSWORD);
        browser.open("/guests");
        assertThat(driver.findElements(By.cssSelector("tbody tr[id^='guest-']")))
                .extracting(r -> r.getAttribute("id")).containsExactly("guest-" + guest);
        browser.open("/guests/" + guest);
        assertThat(chips(driver.findElement(By.id("guest-header")))).containsExactly("customer-b", "env:prod");
        assertThat(driver.findElements(By.id("tag-add"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("button[aria-label^='Remove tag']"))).isEmpty();
        browser.screenshot("tags-guest-page-help-desk.png");
        browser.assertAccessible("tags-guest-page-help-desk");
    }
}
