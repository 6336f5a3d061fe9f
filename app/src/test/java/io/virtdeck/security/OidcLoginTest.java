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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single sign-on against a real OpenID Connect provider (Spring Authorization Server, started here on 127.0.0.1 so its
 * session cookie never meets Virtdeck's on localhost): carol, unknown to Virtdeck's users table, logs in through it;
 * her ID token's groups claim names the Virtdeck group desk, which is granted help desk on one guest, so that guest is
 * all she sees.
 */
@VirtdeckServerTest
@UsesBrowser
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcLoginTest {


    private static ConfigurableApplicationContext provider;

    @LocalServerPort
    int port;
    @Autowired
    HostService hostService;
    @Autowired
    GuestQuery guestQuery;
    @Autowired
    GrantRepository grants;

    private Browser browser;
    private long guest;

    @DynamicPropertySource
    static void singleSignOn(DynamicPropertyRegistry registry) {
        provider = new SpringApplicationBuilder(OidcTestProvider.class)
                .properties("spring.config.name=oidc-test-provider", "server.port=0", "server.address=127.0.0.1",
                        "spring.main.banner-mode=off")
                .run();
        int providerPort = ((WebServerApplicationContext) provider).getWebServer().getPort();
        registry.add("virtdeck.oidc.enabled", () -> "true");
        registry.add("virtdeck.oidc.issuer-uri", () -> "http://127.0.0.1:" + providerPort);
        registry.add("virtdeck.oidc.client-id", () -> "virtdeck");
        registry.add("virtdeck.oidc.client-secret", () -> OidcTestProvider.CLIENT_SECRET);
    }

    @BeforeAll
    void aGroupGrantedOneGuest() throws IOException {
        OidcTestProvider.virtdeckPort = port;
        guest = AdminSetup.hostWithGuest(hostService, guestQuery, "oidc-host", "gamma-build");
        long desk = grants.createGroup("desk").orElseThrow();
        grants.insert(null, desk, ObjectRef.guest(guest), Role.HELPDESK, "test");
        browser = Browser.start(port);
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        provider.close();
    }

    @Test
    void carolLogsInThroughTheProviderAndHerGroupsClaimGivesHerTheGroupsGrants() {
        WebDriver driver = browser.driver();
        browser.open("/login");
        browser.submitAndWait(driver.findElement(By.id("single-sign-on")));
        assertThat(driver.getCurrentUrl()).startsWith("http://127.0.0.1:");
        driver.findElement(By.id("username")).sendKeys("carol");
        driver.findElement(By.id("password")).sendKeys(OidcTestProvider.CAROL_PASSWORD);
        browser.submitAndWait(driver.findElement(By.cssSelector("button[type=submit]")));
        browser.waitFor("back on Virtdeck", () -> driver.getCurrentUrl().startsWith(browser.url("/guests")));
        assertThat(driver.findElement(By.cssSelector(".topbar .user")).getText()).contains("carol");
        assertThat(driver.findElements(By.cssSelector("tbody tr[id^='guest-']"))).extracting(r -> r.getAttribute("id"))
                .containsExactly("guest-" + guest);
        browser.screenshot("oidc-login.png");
        browser.open("/guests/" + guest);
        assertThat(driver.getPageSource()).contains("gamma-build");
    }
}
