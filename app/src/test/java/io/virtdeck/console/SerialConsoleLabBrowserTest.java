package io.virtdeck.console;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serial console for real: help desk opens tiny1's serial console in Chromium on the lab (libvirt's console
 * stream of the running QEMU guest, relayed by Virtdeck; no port opened on the host), types a command into xterm.js
 * and sees the guest's busybox shell answer. A second opener is told who holds the console and since when; help desk
 * cannot take it, an operator does, and the first page is told who took it.
 */
@VirtdeckServerTest
@UsesBrowser
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SerialConsoleLabBrowserTest {

    private static final String PASSWORD = "lab-serial-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;

    private AdminApi api;
    private Browser desk;
    private Browser other;
    private long tiny1;

    @BeforeAll
    void tiny1RunsOnLab1() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("lab-serial-desk", Role.HELPDESK),
                new InitialUsers.UserSpec("lab-serial-desk2", Role.HELPDESK),
                new InitialUsers.UserSpec("lab-serial-op", Role.OPERATOR));
        api = new AdminApi(port);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        Lab.tiny1BackOnLab1();
        tiny1 = api.guestIdOn(lab1, "tiny1");
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            assertThat(api.call("POST", "/api/v1/guests/" + tiny1 + "/actions/start", "").statusCode())
                    .isEqualTo(200);
        }
        Lab.consoleAnswers(Lab.LAB1, "tiny1"); // its shell answers on the serial port before a browser comes
        desk = Browser.start(port);
        other = Browser.start(port);
    }

    @AfterAll
    void closeTheBrowsers() throws IOException {
        if (desk != null) {
            desk.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @Test
    @Order(1)
    void helpdeskTypesIntoTheSerialConsoleAndTheGuestsShellAnswers() throws Exception {
        WebDriver driver = desk.driver();
        desk.logIn("lab-serial-desk", PASSWORD);
        desk.open("/guests/" + tiny1);
        String guestPage = driver.getWindowHandle();
        // tiny1 has a VNC display too: its page offers both consoles
        assertThat(driver.findElements(By.cssSelector("a.console-link")).stream().map(a -> a.getText()).toList())
                .containsExactly("Open console", "Serial console");
        desk.screenshot("serial-console-guest-page.png");
        long clicked = System.nanoTime();
        driver.findElement(By.cssSelector("a.serial-link")).click();
        desk.waitFor("the serial console tab", () -> driver.getWindowHandles().size() == 2);
        driver.getWindowHandles().stream().filter(h -> !h.equals(guestPage)).findFirst()
                .ifPresent(tab -> driver.switchTo().window(tab));
        awaitConnected(desk);
        System.out.printf("[lab] serial console: link clicked -> connected in %d ms%n",
                (System.nanoTime() - clicked) / 1_000_000);

        long typed = typeAndAwait(desk, "echo serial-$((6*7))", "serial-42");
        System.out.printf("[lab] serial console: command typed -> guest's answer shown in %d ms%n", typed);
        // readable under the pages' CSP (no inline styles): xterm.js's cell styles did apply, light monospace on dark
        assertThat((String) desk.js().executeScript("const s = getComputedStyle(document.querySelector("
                + "'#terminal .xterm-rows')); return s.color + ' | ' + s.fontFamily;"))
                .startsWith("rgb(230, 230, 230) | ").contains("monospace");
        desk.screenshot("serial-console-helpdesk.png");
        String sessions = api.call("GET", "/api/v1/console/sessions", null).body();
        assertThat(JsonPath.<List<String>>read(sessions,
                "$[?(@.user == 'lab-serial-desk' && @.guestName == 'tiny1')].kind")).containsExactly("serial");
    }

    @Test
    @Order(2)
    void aSecondOpenerIsToldWhoHoldsItHelpdeskCannotTakeItAndAnOperatorDoes() throws Exception {
        WebDriver driver = other.driver();
        other.logIn("lab-serial-desk2", PASSWORD);
        other.open("/guests/" + tiny1 + "/serial-console");
        other.waitFor(Duration.ofSeconds(20), "the console to say it is in use",
                () -> "In use by someone else".equals(driver.findElement(By.id("connection")).getText()));
        assertThat(driver.findElement(By.id("console-problem")).getText())
                .startsWith("The serial console is held by lab-serial-desk since ").contains(" UTC");
        assertThat(driver.findElements(By.id("take-over"))).as("help desk cannot force").isEmpty();
        assertThat(driver.findElement(By.id("disconnect")).isEnabled()).as("nothing to disconnect").isFalse();
        other.screenshot("serial-console-in-use.png");
        assertThat(desk.driver().findElement(By.id("connection")).getText()).isEqualTo("Connected");

        other.logOut();
        other.logIn("lab-serial-op", PASSWORD);
        other.open("/guests/" + tiny1 + "/serial-console");
        other.waitFor(Duration.ofSeconds(20), "the console to say it is in use",
                () -> "In use by someone else".equals(driver.findElement(By.id("connection")).getText()));
        other.waitFor("the take-over button", () -> driver.findElement(By.id("take-over")).isDisplayed());
        other.screenshot("serial-console-take-over-offered.png");
        driver.findElement(By.id("take-over")).click();
        awaitConnected(other);
        desk.waitFor("the first page to be told who took the console", () -> desk.driver()
                .findElement(By.id("console-problem")).getText()
                .equals("lab-serial-op took over this serial console."));
        assertThat(desk.driver().findElement(By.id("connection")).getText()).isEqualTo("Disconnected");
        desk.screenshot("serial-console-taken-over.png");

        typeAndAwait(other, "echo taken-$((6*7))", "taken-42");
        other.screenshot("serial-console-operator.png");
        assertThat(Api.audited(jdbc, "console.serial.takeover", "tiny1")).isGreaterThanOrEqualTo(1);

        // letting go: the console is free again, and its session is gone from the administrator's list
        driver.findElement(By.id("disconnect")).click();
        other.waitFor("the session to end", () -> {
            try {
                return !api.call("GET", "/api/v1/console/sessions", null).body().contains("lab-serial-op");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(driver.findElement(By.id("connection")).getText()).isEqualTo("Disconnected");
    }

    private static void awaitConnected(Browser browser) {
        browser.waitFor(Duration.ofSeconds(20), "the serial console to connect",
                () -> "Connected".equals(browser.driver().findElement(By.id("connection")).getText()));
    }

    /** Types a command into xterm.js as a person does and waits for the text in its buffer; returns the ms it took. */
    private static long typeAndAwait(Browser browser, String command, String answer) {
        long started = System.nanoTime();
        browser.driver().findElement(By.cssSelector("#terminal textarea")).sendKeys(command + Keys.ENTER);
        // the answer on a line of its own: the typed command's echo holds "$((6*7))", not the result
        browser.waitFor(Duration.ofSeconds(15), "'" + answer + "' in the terminal", () -> ((String) browser.js()
                .executeScript("return window.VirtdeckSerial.text();")).lines()
                .anyMatch(line -> line.trim().equals(answer)));
        return (System.nanoTime() - started) / 1_000_000;
    }
}
