package io.virtdeck.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckServerTest;
import io.virtdeck.support.WebSession;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The session cookie as a real Tomcat sends it: HttpOnly, SameSite=Lax, a new id at login, 30 minutes idle. */
@VirtdeckServerTest
class SessionCookieTest {

    @LocalServerPort
    int port;
    @Autowired
    WebServerApplicationContext context;

    @Test
    void theSessionCookieIsHttpOnlyAndLaxAndItsSessionEndsAfterThirtyIdleMinutes() throws Exception {
        HttpResponse<String> loginPage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        List<String> cookies = loginPage.headers().allValues("Set-Cookie");
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly")
                .contains("SameSite=Lax").doesNotContain("Secure"));

        WebSession session = WebSession.login(port, Api.ADMIN, Api.ADMIN_PASSWORD);
        String id = session.cookieHeader().replaceAll(".*JSESSIONID=\"?([^;\"]+).*", "$1");
        Context web = (Context) ((TomcatWebServer) context.getWebServer()).getTomcat().getHost().findChildren()[0];
        Session tomcatSession = web.getManager().findSession(id);
        assertThat(tomcatSession).isNotNull();
        assertThat(tomcatSession.getMaxInactiveInterval()).isEqualTo(30 * 60);
    }
}
