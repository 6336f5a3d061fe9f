package io.virtdeck.inventory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Api;
import io.virtdeck.support.Browser;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesBrowser;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guest agent card and the list's address search in Chromium, on the lab's running Debian guest: the card shows
 * the agent answering with the guest's address, hostname, OS and file systems; the list, searched for that address,
 * shows the guest with it. debian12 is left shut off.
 */
@VirtdeckServerTest
@UsesBrowser
@UsesLab
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAgentLabBrowserTest {

    @LocalServerPort
    int port;

    private AdminApi api;
    private Browser browser;
    private WebDriver driver;
    private long debian;
    private String address;

    @BeforeAll
    void debianAnswering() throws Exception {
        Lab.debian();
        api = new AdminApi(port);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        debian = api.guestIdOn(lab1, "debian12");
        if (!Lab.virsh(Lab.LAB1, "domstate", "debian12").trim().equals("running")) {
            assertThat(api.call("POST", "/api/v1/guests/" + debian + "/actions/start", null).statusCode())
                    .isEqualTo(200);
        }
        String guest = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .until(() -> api.get("/api/v1/guests/" + debian), json -> !JsonPath.<List<?>>read(json,
                        "$.agent.nics[*].addresses[?(@.family == 'ipv4')]").isEmpty());
        address = JsonPath.<List<String>>read(guest,
                "$.agent.nics[*].addresses[?(@.family == 'ipv4')].address").get(0);
        browser = Browser.start(port);
        driver = browser.driver();
        browser.logIn(Api.ADMIN, Api.ADMIN_PASSWORD);
    }

    @AfterAll
    void closeAndShutOff() throws IOException {
        if (browser != null) {
            browser.close();
        }
        Lab.virsh(Lab.LAB1, "destroy", "debian12");
    }

    @Test
    void theCardShowsTheAgentsAnswerAndTheListFindsTheGuestByItsAddress() {
        browser.open("/guests/" + debian);
        browser.waitFor(Duration.ofSeconds(15), "the agent card's answer",
                () -> driver.findElement(By.id("agent-card")).getText().contains("Answering"));
        String card = driver.findElement(By.id("agent-card")).getText();
        assertThat(card).contains("qemu-guest-agent").contains("virtdeck-debian").contains("Debian GNU/Linux 12")
                .contains(address).contains("ext4").contains("Last answer");
        browser.inView(driver.findElement(By.id("agent-card")));
        browser.screenshot("guest-agent-card.png");

        browser.open("/guests?q=" + address);
        String list = driver.findElement(By.cssSelector("table")).getText();
        assertThat(list).contains("debian12").contains(address);
        assertThat(driver.findElements(By.cssSelector("tbody tr"))).hasSize(1);
        browser.screenshot("guest-list-by-address.png");
    }
}
