package io.virtdeck.alerts.firing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.alerts.targets.TestWebhookReceiver;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An administrator makes a rule with the form on the Alert rules page (a kind, its threshold, a target ticked); the
 * host's running guests are above it, so it fires: the side menu shows the count and the Alerts page lists it under
 * Firing now. An operator acknowledges it with a note; once the guests are stopped it is resolved and the History shows
 * it with the note. Screenshots in app/target/screenshots.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsBrowserTest {

    private static final String OPERATOR = "alerts-operator";
    private static final String PASSWORD = "alerts-operator-pw-1";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private Browser browser;
    private WebDriver driver;
    private AdminApi admin;
    private TestWebhookReceiver receiver;
    private String hostName;
    private long hostId;
    private long target;
    private String targetName;
    private final String ruleName = "vcpus-" + System.nanoTime();

    @BeforeAll
    void aHostATargetAnOperatorAndABrowser() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec(OPERATOR, Role.OPERATOR));
        admin = new AdminApi(port);
        hostName = "alerts-page-" + System.nanoTime();
        hostId = admin.hostIdOrRegister(hostName, TestHosts.smallHost());
        receiver = TestWebhookReceiver.answering(200);
        targetName = "ops hook " + System.nanoTime();
        String made = admin.call("POST", "/api/v1/alert-targets", "{\"name\":\"" + targetName
                + "\",\"kind\":\"WEBHOOK\",\"url\":\"" + receiver.url() + "\",\"key\":\"" + AlertTesting.KEY
                + "\"}").body();
        target = JsonPath.<Number>read(made, "$.id").longValue();
        browser = Browser.start(port);
        driver = browser.driver();
    }

    @AfterAll
    void removeWhatWasMade() throws Exception {
        if (browser != null) {
            browser.close();
        }
        List<Number> rules = JsonPath.read(admin.get("/api/v1/alert-rules"), "$[?(@.name == '" + ruleName + "')].id");
        for (Number rule : rules) {
            admin.call("DELETE", "/api/v1/alert-rules/" + rule, null);
        }
        admin.call("DELETE", "/api/v1/alert-targets/" + target, null);
        admin.call("DELETE", "/api/v1/hosts/" + hostId, null);
        if (receiver != null) {
            receiver.close();
        }
    }

    private void type(String field, String text) {
        WebElement input = driver.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
    }

    /** The Alerts page's row of this test's host in the table of {@code which} ("firing", "history"), if shown. */
    private List<WebElement> rowsOfTheHost(String which) {
        return driver.findElements(By.xpath("//table[contains(@class,'" + which + "')]//tr[td[contains(.,'Host "
                + hostName + "')]]"));
    }

    @Test
    void aRuleMadeWithTheFormFiresIsAcknowledgedWithANoteAndEndsInTheHistory() throws Exception {
        browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
        browser.open("/alerts/rules");
        browser.submitAndWait(driver.findElement(By.linkText("New rule")));
        type("name", ruleName);
        driver.findElement(By.cssSelector("#kind option[value='VCPU_OVERCOMMIT']")).click();
        // the small host's 8 CPUs run 6 vCPUs (alpha-web 2, beta-db 4, paused): 0.75 : 1, above 0.5
        type("ratio", "0.5");
        driver.findElement(By.cssSelector("#severity option[value='WARNING']")).click();
        browser.inView(driver.findElement(By.id("target-" + target))).click();
        driver.findElement(By.xpath("//summary[normalize-space()='What each kind watches']")).click();
        assertThat(driver.findElement(By.cssSelector(".kinds-explained")).getText())
                .contains("the vCPUs of a host's running guests over the host's CPUs are above the ratio");
        browser.inView(driver.findElement(By.id("kind")));
        browser.screenshot("alert-rule-form.png");
        browser.assertAccessible("alert-rule-form");
        browser.submitAndWait(driver.findElement(By.xpath("//button[normalize-space()='Make rule']")));
        WebElement made = driver.findElement(By.xpath("//tr[td[normalize-space()='" + ruleName + "']]"));
        assertThat(made.getText()).contains("Host vCPUs overcommitted", "WARNING", targetName);

        browser.open("/alerts");
        browser.waitFor(Duration.ofSeconds(30), "the alert firing", () -> {
            driver.navigate().refresh();
            return !rowsOfTheHost("firing").isEmpty();
        });
        WebElement firing = rowsOfTheHost("firing").get(0);
        assertThat(firing.getText()).contains("Host " + hostName + "'s vCPUs are overcommitted 0.75 : 1 by its"
                + " running guests (rule: above 0.5)", ruleName, "WARNING");
        String heading = driver.findElement(By.xpath("//h2[starts-with(normalize-space(),'Firing now')]")).getText();
        WebElement menu = driver.findElement(By.cssSelector("a[href='/alerts']"));
        String count = menu.findElement(By.cssSelector(".badge")).getText();
        assertThat(heading).isEqualTo("Firing now (" + count + ")");
        assertThat(Integer.parseInt(count)).isPositive();
        assertThat(menu.getAttribute("aria-label")).isEqualTo("Alerts, " + count + " firing now");
        browser.screenshot("alerts-firing.png");
        browser.assertAccessible("alerts-firing");

        browser.logOut();
        browser.logIn(OPERATOR, PASSWORD);
        browser.open("/alerts");
        WebElement mine = rowsOfTheHost("firing").get(0);
        WebElement note = mine.findElement(By.cssSelector("input[name=note]"));
        browser.inView(note).sendKeys("stopping the lab guests for the night");
        browser.submitAndWait(mine.findElement(By.cssSelector("button[type=submit]")));
        assertThat(rowsOfTheHost("firing").get(0).getText()).contains("Acknowledged by " + OPERATOR,
                "stopping the lab guests for the night");

        // the operator stops the guests: the condition clears, and the alert is resolved
        for (String guest : List.of("alpha-web", "beta-db")) {
            long id = admin.guestIdOn(hostId, guest);
            assertThat(admin.call("POST", "/api/v1/guests/" + id + "/actions/poweroff", "").statusCode())
                    .isEqualTo(200);
        }
        browser.waitFor(Duration.ofSeconds(30), "the alert in the history", () -> {
            driver.navigate().refresh();
            return !rowsOfTheHost("history").isEmpty();
        });
        assertThat(rowsOfTheHost("firing")).isEmpty();
        assertThat(rowsOfTheHost("history").get(0).getText()).contains("Host " + hostName + " is at or below 0.5 again",
                OPERATOR + ": stopping the lab guests for the night");
        browser.screenshot("alerts-history.png");
        browser.assertAccessible("alerts-history");
    }
}
