package io.virtdeck.guest;

import io.virtdeck.core.Role;
import io.virtdeck.security.InitialUsers;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No console link leads to a dead end: a guest's "Open console" goes to its VNC display where one is served, else to
 * its serial console where it has one, and a running guest with neither (a simulated host runs no display) gets no
 * link, and its page says why, on the list's rows and on the guest's page alike.
 */
@VirtdeckServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestConsoleLinksTest {

    private static final String PASSWORD = "console-links-pw";

    @LocalServerPort
    int port;
    @Autowired
    InitialUsers initialUsers;

    private WebSession desk;
    private long servedDisplay;
    private long unservedDisplay;
    private long serialOnly;
    private long displayAndSerial;
    private long neither;

    @BeforeAll
    void guestsWithAndWithoutConsoles() throws Exception {
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("links-helpdesk", Role.HELPDESK));
        AdminApi api = new AdminApi(port);
        // console-vm runs with its display on a port (as QEMU serves it), or on none (as the test driver leaves it)
        servedDisplay = api.guestIdOn(api.hostIdOrRegister("links-served", TestHosts.consoleHost(5990)), "console-vm");
        unservedDisplay = api.guestIdOn(api.hostIdOrRegister("links-unserved", TestHosts.consoleHost(-1)),
                "console-vm");
        long serialHost = api.hostIdOrRegister("links-serial", TestHosts.serialHost());
        serialOnly = api.guestIdOn(serialHost, "serial-vm");
        displayAndSerial = api.guestIdOn(serialHost, "serial-both");
        neither = api.guestIdOn(api.hostIdOrRegister("links-small", TestHosts.smallHost()), "beta-db"); // paused
        desk = WebSession.login(port, "links-helpdesk", PASSWORD);
    }

    @Test
    void aRowLinksTheConsoleThatCanShowSomethingAndNoneWhereNothingCan() throws Exception {
        assertThat(row(servedDisplay)).contains("href=\"/guests/" + servedDisplay + "/console\"", "Open console");
        assertThat(row(serialOnly)).contains("href=\"/guests/" + serialOnly + "/serial-console\"", "Open console");
        assertThat(row(displayAndSerial)).contains("href=\"/guests/" + displayAndSerial + "/console\"");
        assertThat(row(unservedDisplay)).doesNotContain("console-link", "Open console");
        assertThat(row(neither)).doesNotContain("console-link", "Open console");
    }

    @Test
    void theGuestsPageOffersEachConsoleItHasAndSaysWhyWhenItHasNone() throws Exception {
        assertThat(page(servedDisplay)).contains("href=\"/guests/" + servedDisplay + "/console\"")
                .doesNotContain("/serial-console\"", "No console");
        assertThat(page(displayAndSerial)).contains("href=\"/guests/" + displayAndSerial + "/console\"",
                "href=\"/guests/" + displayAndSerial + "/serial-console\"", "Serial console");
        assertThat(page(serialOnly)).contains("href=\"/guests/" + serialOnly + "/serial-console\"", "Open console")
                .doesNotContain("href=\"/guests/" + serialOnly + "/console\"");
        assertThat(page(unservedDisplay)).doesNotContain("console-link")
                .contains("No console: a simulated host runs no display (./virtdeck run --lab adds real hosts)",
                        "VNC (no port: its host runs no display)");
        assertThat(page(neither)).doesNotContain("console-link").contains("No console: no VNC display and no serial port");
    }

    @Test
    void theGuestsPagePrefetchesTheScriptsOfTheConsoleItOffers() throws Exception {
        // content-named files (console-<md5>.js): the console page, opened next, finds them in the browser's cache
        assertThat(page(servedDisplay)).containsPattern("rel=\"prefetch\" href=\"/assets/console-[0-9a-f]{32}\\.js\"")
                .containsPattern("rel=\"prefetch\" href=\"/assets/console-connect-[0-9a-f]{32}\\.js\"")
                .doesNotContain("serial-console-");
        assertThat(page(serialOnly)).containsPattern("rel=\"prefetch\" href=\"/assets/serial-console-[0-9a-f]{32}\\.js\"")
                .doesNotContain("console-connect-");
        assertThat(page(neither)).doesNotContain("rel=\"prefetch\"");
    }

    private String row(long guest) throws Exception {
        return desk.get("/guests/" + guest + "/row").body();
    }

    private String page(long guest) throws Exception {
        return desk.get("/guests/" + guest).body();
    }
}
