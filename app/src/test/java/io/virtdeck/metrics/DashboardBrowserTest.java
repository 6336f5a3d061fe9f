package io.virtdeck.metrics;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capacity dashboard and the metrics charts in Chromium, as a viewer: the figures and charts are there, and no
 * action can be reached. History is written in (a day of 5 min averages, an hour of 10 s samples) so that the
 * charts have something to draw at once.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final String PASSWORD = "dashboard-test-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PoolUsage pools;

    private Browser browser;
    private WebDriver driver;
    private long host;
    private long guest;

    @BeforeAll
    void aHostWithHistoryAndAViewer() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("d-viewer", Role.VIEWER));
        AdminApi admin = new AdminApi(port);
        host = admin.hostIdOrRegister("dashboard-host", TestHosts.smallHost());
        guest = admin.guestIdOn(host, "alpha-web");
        pools.refresh();
        Instant now = Instant.now();
        // a working day's shape: CPU and memory rise towards midday and fall again
        history("metrics_5m", 'H', host, now.minus(Duration.ofDays(1)), now, 300, 3.0, 2.5, 9000, 3000);
        history("metrics_1h", 'H', host, now.minus(Duration.ofDays(30)), now, 3600, 3.0, 2.0, 9000, 2500);
        history("metrics_10s", 'H', host, now.minus(Duration.ofHours(1)), now, 10, 2.0, 1.0, 8000, 1000);
        history("metrics_10s", 'G', guest, now.minus(Duration.ofHours(1)), now, 10, 0.6, 0.4, 700, 120);
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn("d-viewer", PASSWORD);
    }

    /**
     * Rows every {@code step} s: cpu on a daily wave with a faster ripple, memory on a daily wave, disk and network
     * following cpu.
     */
    private void history(String table, char kind, long id, Instant from, Instant to, int step, double cpu,
                         double cpuSwing, double memory, double memorySwing) {
        jdbc.sql("INSERT INTO " + table + " (object_kind, object_id, at, cpu, memory_mib, disk_read_bps,"
                        + " disk_write_bps, disk_read_iops, disk_write_iops, net_rx_bps, net_tx_bps)"
                        + " SELECT :kind, :id, t, w.cpu, w.memory, w.cpu * 2e6, w.cpu * 1e6, w.cpu * 40, w.cpu * 20,"
                        + " w.cpu * 5e5, w.cpu * 2e5"
                        + " FROM generate_series(:from, :to, make_interval(secs => :step)) AS t,"
                        + " LATERAL (SELECT :cpu + :cpuSwing * (0.8 * sin(extract(epoch FROM t) / 13751.0)"
                        + " + 0.2 * sin(extract(epoch FROM t) / 300.0)) AS cpu,"
                        + " :memory + :memorySwing * sin(extract(epoch FROM t) / 13751.0 + 0.5) AS memory) w"
                        + " ON CONFLICT DO NOTHING")
                .param("kind", String.valueOf(kind)).param("id", id)
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("step", step)
                .param("cpu", cpu).param("cpuSwing", cpuSwing).param("memory", memory)
                .param("memorySwing", memorySwing).update();
    }

    @AfterAll
    void closeTheBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void theViewersHomeIsTheCapacityDashboardWithChartsAndNothingToActOn() {
        browser.open("/");
        browser.waitFor("the dashboard", () -> driver.getCurrentUrl().endsWith("/dashboard"));
        String page = driver.findElement(By.cssSelector("main")).getText();
        assertThat(page).contains("Capacity").contains("guests of 2 vCPU, 4 GiB").contains("dashboard-host")
                .contains("Busiest guests");
        browser.waitFor("both trend charts drawn",
                () -> driver.findElements(By.cssSelector("[data-trends-url] .uplot canvas")).size() == 2);
        assertNoActions();
        browser.screenshot("dashboard.png");
        browser.tourScreenshot("manager-dashboard.png");

        // a wall screen: the same page, larger
        driver.manage().window().setSize(new Dimension(2560, 1440));
        browser.open("/dashboard");
        browser.waitFor("both trend charts drawn",
                () -> driver.findElements(By.cssSelector("[data-trends-url] .uplot canvas")).size() == 2);
        browser.screenshot("dashboard-wall.png");
        browser.assertAccessible("dashboard-wall");
        driver.manage().window().setSize(new Dimension(1400, 900));
    }

    @Test
    @Order(2)
    void theRoomLeftFollowsTheGuestSizeAsked() {
        browser.open("/dashboard");
        String small = driver.findElement(By.id("room-total")).getText();
        WebElement memory = driver.findElement(By.id("size-memory"));
        memory.clear();
        memory.sendKeys("65536");
        browser.submitAndWait(driver.findElement(By.xpath("//button[text()='Count']")));
        assertThat(driver.getCurrentUrl()).contains("memoryMiB=65536");
        assertThat(Long.parseLong(driver.findElement(By.id("room-total")).getText()))
                .isLessThan(Long.parseLong(small));
    }

    @Test
    @Order(3)
    void hostAndGuestPagesChartTheLastHourAndAnotherRangeOnRequest() {
        browser.open("/hosts/" + host);
        browser.waitFor("four host charts", () -> charts() == 4);
        assertNoActions();
        browser.inView(driver.findElement(By.cssSelector(".metrics-card")));
        browser.screenshot("host-metrics.png");
        browser.assertAccessible("host-metrics");

        browser.open("/guests/" + guest);
        browser.waitFor("four guest charts", () -> charts() == 4);
        assertNoActions();
        driver.findElement(By.cssSelector("#metrics-range option[value='86400']")).click();
        browser.waitFor("the charts redrawn for a day", () -> charts() == 4 && driver.findElements(
                By.cssSelector(".metric-charts .u-title")).stream().anyMatch(t -> t.getText().startsWith("CPU")));
        browser.inView(driver.findElement(By.cssSelector(".metrics-card")));
        browser.screenshot("guest-metrics.png");
        browser.assertAccessible("guest-metrics");
    }

    private int charts() {
        return driver.findElements(By.cssSelector(".metric-charts .uplot canvas")).size();
    }

    /** A viewer's page offers no form that changes anything and no link to an action page. */
    private void assertNoActions() {
        List<WebElement> posts = driver.findElements(By.cssSelector("main form[method='post']"));
        assertThat(posts).as("forms that post").isEmpty();
        assertThat(driver.findElements(By.cssSelector("main button.danger, main .actions"))).isEmpty();
        for (String action : List.of("/actions/", "/guests/new", "/maintenance", "/configure", "/devices",
                "/migrate", "/clone", "/console")) {
            assertThat(driver.findElements(By.cssSelector("main a[href*='" + action + "']"))).as(action).isEmpty();
        }
    }
}
