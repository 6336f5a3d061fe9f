package io.virtdeck.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Browser;
import io.virtdeck.support.FakeVncServer;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page a newcomer meets, audited with axe-core for WCAG 2 A and AA in Chromium: as an admin the login page, the
 * guest list and a guest's page, hosts and a host, the dashboard, storage, networks, tasks, audit, users and the
 * account page, the create wizard, the clone page, backups, HA and the console; as help desk the guest list and the
 * console. Each page must have no violation at all. The other browser tests audit the pages they open in the states
 * they bring them to (forms with errors, dialogs); this one makes sure no page is left out. It also takes the
 * README's screenshot of an operator's guest list.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessibilityBrowserTest {

    private static final String ADMIN_PASSWORD = "admin-test-pw";
    private static final String PASSWORD = "a11y-test-pw";
    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private FakeVncServer vnc;
    private Browser browser;
    private long host;
    private long alpha;
    private long gamma;
    private long consoleVm;
    private long simulatedVm;

    @BeforeAll
    void hostsUsersAndABrowser() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("a11y-desk", Role.HELPDESK),
                new InitialUsers.UserSpec("a11y-operator", Role.OPERATOR));
        AdminApi admin = new AdminApi(port);
        host = admin.hostIdOrRegister("kvm-01", TestHosts.smallHost());
        alpha = admin.guestIdOn(host, "alpha-web");
        gamma = admin.guestIdOn(host, "gamma-build");
        vnc = new FakeVncServer(FakeVncServer.Mode.ECHO);
        long consoleHost = admin.hostIdOrRegister("kvm-02", TestHosts.consoleHost(vnc.port()));
        consoleVm = admin.guestIdOn(consoleHost, "console-vm");
        // running, its display served by nothing: a simulated host's guest, as in the demo
        simulatedVm = admin.guestIdOn(admin.hostIdOrRegister("kvm-03", TestHosts.consoleHost(-1)), "console-vm");
        browser = Browser.start(port);
    }

    @AfterAll
    void quitTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (vnc != null) {
            vnc.close();
        }
    }

    @Test
    @Order(1)
    void everyPageAnAdminOpensFirst() {
        browser.open("/login");
        browser.js().executeScript("document.querySelector('main').insertAdjacentHTML('beforeend',"
                + " '<img src=\"/favicon.ico\"><input id=\"unlabelled\">');");
        assertThat(browser.accessibilityViolations()).as("the audit finds what it should (a picture with no text,"
                + " a field with no label)").anyMatch(v -> v.startsWith("image-alt ")).anyMatch(v -> v.startsWith("label "));
        Map<String, List<String>> found = new LinkedHashMap<>();
        browser.open("/login");
        found.put("/login", browser.accessibilityViolations());
        browser.logIn("admin", ADMIN_PASSWORD);
        for (String page : List.of("/guests", "/guests/" + alpha, "/hosts", "/hosts/" + host, "/dashboard",
                "/hosts/" + host + "/storage", "/hosts/" + host + "/networks", "/tasks", "/audit", "/admin/users",
                "/account", "/hosts/" + host + "/guests/new", "/guests/" + gamma + "/clone", "/backups", "/ha")) {
            browser.open(page);
            assertThat(browser.driver().getTitle()).as(page).doesNotMatch("^\\d{3} .*");
            found.put(page, browser.accessibilityViolations());
        }
        openConsole();
        found.put("console", browser.accessibilityViolations());
        assertNone(found);
    }

    @Test
    @Order(2)
    void theHelpDesksGuestListAndConsole() {
        browser.logOut();
        browser.logIn("a11y-desk", PASSWORD);
        Map<String, List<String>> found = new LinkedHashMap<>();
        browser.open("/guests");
        found.put("/guests", browser.accessibilityViolations());
        browser.open("/guests/" + consoleVm);
        found.put("/guests/" + consoleVm, browser.accessibilityViolations());
        openConsole();
        found.put("console", browser.accessibilityViolations());
        // no link to a console that cannot show anything: the page says why instead
        browser.open("/guests/" + simulatedVm);
        assertThat(browser.driver().findElements(By.cssSelector(".console-link"))).isEmpty();
        assertThat(browser.driver().findElement(By.cssSelector(".no-console")).getText())
                .isEqualTo("No console: a simulated host runs no display (./virtdeck run --lab adds real hosts)");
        found.put("/guests/" + simulatedVm, browser.accessibilityViolations());
        browser.screenshot("guest-without-console.png");
        assertNone(found);
    }

    @Test
    @Order(3)
    void theOperatorsGuestListForTheReadme() {
        browser.logOut();
        browser.logIn("a11y-operator", PASSWORD);
        browser.open("/guests?host=" + host); // the classes sharing this run add hosts of their own
        assertThat(browser.driver().findElements(By.cssSelector("tr[id^='guest-']"))).hasSize(3);
        assertThat(browser.driver().findElements(By.cssSelector("button[aria-label='Start gamma-build']")))
                .isNotEmpty();
        browser.tourScreenshot("operator-guests.png");
    }

    /**
     * The console page once noVNC has put its screen (a canvas in a div) into the page's main element: audited with
     * the rest, as noVNC's canvas gives axe nothing to refuse (it is not focusable by tab and has no role).
     */
    private void openConsole() {
        browser.open("/guests/" + consoleVm + "/console");
        browser.waitFor("noVNC's screen in the console page", () -> !browser.driver()
                .findElements(By.cssSelector("#screen > div")).isEmpty());
    }

    private static void assertNone(Map<String, List<String>> found) {
        List<String> lines = new ArrayList<>();
        found.forEach((page, violations) -> violations.forEach(v -> lines.add(page + ": " + v)));
        assertThat(lines).as("axe-core's WCAG 2 A/AA violations, page by page").isEmpty();
    }
}
