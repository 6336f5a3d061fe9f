package io.virtdeck.alerts.targets;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.security.SecretBox;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestPki;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Alert targets over REST: what is stored and what is never shown back, the 400s naming the field, each role, and the
 * test button's answers in plain words against a real SMTP server (STARTTLS and sign-in, TLS) and a real HTTP receiver.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertTargetApiTest {

    private static final String PASSWORD = "smtp-Secret-42";
    private static final String KEY = "webhook-signing-key-0123456789";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SecretBox box;

    TestPki pki;

    @BeforeAll
    void certificates() throws Exception {
        pki = TestPki.create();
    }

    @AfterAll
    void removeCertificates() throws Exception {
        pki.close();
    }

    static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-alerts").roles(role));
    }

    private String mailJson(String name, int port, String security, String user, String password) {
        return "{\"name\":\"" + name + "\",\"kind\":\"MAIL\",\"host\":\"127.0.0.1\",\"port\":" + port
                + ",\"security\":\"" + security + "\"" + (user == null ? "" : ",\"username\":\"" + user + "\"")
                + (password == null ? "" : ",\"password\":\"" + password + "\"")
                + ",\"from\":\"virtdeck@example.com\",\"to\":[\"ops@example.com\",\"oncall@example.com\"]"
                + ",\"caCertificate\":" + quoted(pki.pem("ca.pem"))
                + "}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }

    private long create(String json) throws Exception {
        String body = mvc.perform(as(post("/api/v1/alert-targets"), "ADMIN").contentType("application/json")
                .content(json)).andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return JsonPath.<Number>read(body, "$.id").longValue();
    }

    private String test(long id) throws Exception {
        String body = mvc.perform(as(post("/api/v1/alert-targets/" + id + "/test"), "ADMIN"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        return JsonPath.read(body, "$.answer");
    }

    private byte[] storedSecret(long id) {
        return jdbc.sql("SELECT secret FROM alert_targets WHERE id = :id").param("id", id)
                .query((rs, n) -> rs.getBytes(1)).single();
    }

    @Test
    void theSecretIsStoredSealedToItsTargetAndNeverShownBack() throws Exception {
        long id = create(mailJson("sealed-" + System.nanoTime(), 587, "STARTTLS", "virtdeck", PASSWORD));
        for (String role : List.of("ADMIN", "OPERATOR", "VIEWER")) {
            String shown = mvc.perform(as(get("/api/v1/alert-targets/" + id), role)).andExpect(status().isOk())
                    .andExpect(jsonPath("$.passwordSet").value(true))
                    .andExpect(jsonPath("$.to[1]").value("oncall@example.com"))
                    .andReturn().getResponse().getContentAsString();
            assertThat(shown).as(role).doesNotContain(PASSWORD).doesNotContain("\"password\"");
            assertThat(mvc.perform(as(get("/api/v1/alert-targets"), role)).andReturn().getResponse()
                    .getContentAsString()).as(role).doesNotContain(PASSWORD);
        }
        byte[] sealed = storedSecret(id);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        assertThat(new String(box.decrypt(sealed, "alert-target:" + id), StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
        assertThatThrownBy(() -> box.decrypt(sealed, "alert-target:" + (id + 1)))
                .isInstanceOf(SecretBox.UnreadableSecret.class);

        // a change with the password left blank keeps it; a new one replaces it; no user name drops it
        mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                        .content(mailJson("sealed-renamed-" + id, 2525, "STARTTLS", "virtdeck", null)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.port").value(2525))
                .andExpect(jsonPath("$.passwordSet").value(true));
        assertThat(storedSecret(id)).isEqualTo(sealed);
        mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                .content(mailJson("sealed-renamed-" + id, 2525, "STARTTLS", "virtdeck", "another-Pass-7")))
                .andExpect(status().isOk());
        assertThat(new String(box.decrypt(storedSecret(id), "alert-target:" + id), StandardCharsets.UTF_8))
                .isEqualTo("another-Pass-7");
        mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                        .content(mailJson("sealed-renamed-" + id, 2525, "STARTTLS", null, null)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.passwordSet").value(false));
        assertThat(jdbc.sql("SELECT secret IS NULL FROM alert_targets WHERE id = :id").param("id", id)
                .query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'alert.target.update' AND object_id = :id"
                + " AND outcome = 'SUCCESS'").param("id", Long.toString(id)).query(Long.class).single()).isEqualTo(3);
    }

    @Test
    void badInputIsA400NamingTheFieldAndStoresNothing() throws Exception {
        String mail = "\"kind\":\"MAIL\",\"host\":\"smtp.example.com\",\"security\":\"STARTTLS\","
                + "\"from\":\"virtdeck@example.com\",\"to\":[\"ops@example.com\"]";
        String hook = "\"kind\":\"WEBHOOK\",\"url\":\"https://hooks.example.com/v\",\"key\":\"" + KEY + "\"";
        List<String[]> cases = List.of(
                new String[] {"name", "{" + mail + "}"},
                new String[] {"name", "{\"name\":\"../etc\"," + mail + "}"},
                new String[] {"kind", "{\"name\":\"k\"}"},
                new String[] {"kind", "{\"name\":\"k\",\"kind\":\"PAGER\"}"},
                new String[] {"host", "{\"name\":\"h\"," + mail.replace("smtp.example.com", "smtp://x y") + "}"},
                new String[] {"security", "{\"name\":\"s\"," + mail.replace("STARTTLS", "SSL3") + "}"},
                new String[] {"port", "{\"name\":\"p\",\"port\":70000," + mail + "}"},
                new String[] {"password", "{\"name\":\"u\",\"username\":\"virtdeck\"," + mail + "}"},
                new String[] {"username", "{\"name\":\"u\",\"password\":\"x\"," + mail + "}"},
                new String[] {"from", "{\"name\":\"f\"," + mail.replace("virtdeck@example.com", "not an address") + "}"},
                new String[] {"to", "{\"name\":\"t\"," + mail.replace("[\"ops@example.com\"]", "[]") + "}"},
                new String[] {"to", "{\"name\":\"t\"," + mail.replace("ops@example.com", "ops@@example") + "}"},
                new String[] {"caCertificate", "{\"name\":\"c\",\"caCertificate\":\"hello\"," + mail + "}"},
                new String[] {"url", "{\"name\":\"w\"," + hook.replace("https://hooks.example.com/v", "ftp://x/y") + "}"},
                new String[] {"url", "{\"name\":\"w\"," + hook.replace("https://hooks.example.com/v", "https:///v") + "}"},
                new String[] {"url", "{\"name\":\"w\"," + hook.replace("https://", "https://me:pw@") + "}"},
                new String[] {"key", "{\"name\":\"w\"," + hook.replace(",\"key\":\"" + KEY + "\"", "") + "}"},
                new String[] {"key", "{\"name\":\"w\"," + hook.replace(KEY, "short") + "}"});
        long before = jdbc.sql("SELECT count(*) FROM alert_targets").query(Long.class).single();
        for (String[] c : cases) {
            mvc.perform(as(post("/api/v1/alert-targets"), "ADMIN").contentType("application/json").content(c[1]))
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value(c[0]))
                    .andExpect(jsonPath("$.message").isNotEmpty());
        }
        assertThat(jdbc.sql("SELECT count(*) FROM alert_targets").query(Long.class).single()).isEqualTo(before);

        String name = "dup-" + System.nanoTime();
        long id = create("{\"name\":\"" + name + "\"," + hook + "}");
        mvc.perform(as(post("/api/v1/alert-targets"), "ADMIN").contentType("application/json")
                        .content("{\"name\":\"" + name + "\"," + hook + "}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("name"));
        mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                        .content("{\"name\":\"" + name + "\"," + mail + "}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("kind"));
        // a blank key on a change keeps the stored one
        mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                        .content("{\"name\":\"" + name + "\"," + hook.replace(KEY, "") + "}"))
                .andExpect(status().isOk()).andExpect(jsonPath("$.keySet").value(true));
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'alert.target.create' AND object_name = :n"
                + " ORDER BY id").param("n", name).query(String.class).list()).containsExactly("SUCCESS", "FAILURE");
    }

    @Test
    void adminChangesOperatorAndViewerReadHelpDeskNothing() throws Exception {
        String hook = "\"kind\":\"WEBHOOK\",\"url\":\"http://127.0.0.1:9/hook\",\"key\":\"" + KEY + "\"";
        long id = create("{\"name\":\"roles-" + System.nanoTime() + "\"," + hook + "}");
        for (String role : List.of("ADMIN", "OPERATOR", "HELPDESK", "VIEWER")) {
            boolean reads = !role.equals("HELPDESK");
            boolean changes = role.equals("ADMIN");
            mvc.perform(as(get("/api/v1/alert-targets"), role))
                    .andExpect(reads ? status().isOk() : status().isForbidden());
            mvc.perform(as(get("/api/v1/alert-targets/" + id), role))
                    .andExpect(reads ? status().isOk() : status().isForbidden());
            String name = "by-" + role.toLowerCase() + "-" + System.nanoTime();
            mvc.perform(as(post("/api/v1/alert-targets"), role).contentType("application/json")
                            .content("{\"name\":\"" + name + "\"," + hook + "}"))
                    .andExpect(changes ? status().isCreated() : status().isForbidden());
            mvc.perform(as(put("/api/v1/alert-targets/" + id), role).contentType("application/json")
                            .content("{\"name\":\"roles-" + id + "\"," + hook + "}"))
                    .andExpect(changes ? status().isOk() : status().isForbidden());
            mvc.perform(as(post("/api/v1/alert-targets/" + id + "/test"), role))
                    .andExpect(changes ? status().isOk() : status().isForbidden());
            if (!changes) {
                mvc.perform(as(delete("/api/v1/alert-targets/" + id), role)).andExpect(status().isForbidden());
                assertThat(jdbc.sql("SELECT count(*) FROM alert_targets WHERE name = :n").param("n", name)
                        .query(Long.class).single()).as(role).isZero();
                assertThat(Api.audited(jdbc, "alert.target.update", "roles-" + id)).as(role + " refused, audited")
                        .isPositive();
            }
        }
        mvc.perform(as(delete("/api/v1/alert-targets/" + id), "ADMIN")).andExpect(status().isNoContent());
        mvc.perform(as(get("/api/v1/alert-targets/" + id), "VIEWER")).andExpect(status().isNotFound());
    }

    @Test
    void mailOverStartTlsWithSignInArrivesAndTheTestSaysWhatTheServerAnswered() throws Exception {
        try (TestSmtpServer server = TestSmtpServer.start(AlertTarget.Security.STARTTLS, pki, "virtdeck", PASSWORD)) {
            long id = create(mailJson("starttls-" + System.nanoTime(), server.port(), "STARTTLS", "virtdeck",
                    PASSWORD));
            assertThat(test(id)).startsWith("Sent: the mail server accepted it (250");
            assertThat(server.received()).hasSize(1);
            TestSmtpServer.Received mail = server.received().get(0);
            assertThat(mail.identity()).isEqualTo("virtdeck");
            assertThat(mail.from()).isEqualTo("virtdeck@example.com");
            assertThat(mail.data()).contains("To: ops@example.com, oncall@example.com")
                    .contains("Subject: Virtdeck test message to starttls-")
                    .contains("This is a test message from Virtdeck").contains("State: TEST");

            mvc.perform(as(put("/api/v1/alert-targets/" + id), "ADMIN").contentType("application/json")
                    .content(mailJson("starttls-" + id, server.port(), "STARTTLS", "virtdeck", "wrong-Pass-1")))
                    .andExpect(status().isOk());
            assertThat(test(id)).startsWith("Failed: the mail server at 127.0.0.1:" + server.port()
                    + " refused the user name or password");
            assertThat(server.received()).hasSize(1);
            assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'alert.target.test' AND object_id = :id"
                    + " ORDER BY id").param("id", Long.toString(id)).query(String.class).list())
                    .containsExactly("SUCCESS", "FAILURE");
        }
    }

    @Test
    void mailOverTlsArrivesAndPlainOrUntrustedServersAreTold() throws Exception {
        try (TestSmtpServer tls = TestSmtpServer.start(AlertTarget.Security.TLS, pki, null, null);
             TestSmtpServer plain = TestSmtpServer.start(AlertTarget.Security.NONE, pki, null, null)) {
            long id = create(mailJson("tls-" + System.nanoTime(), tls.port(), "TLS", null, null));
            assertThat(test(id)).startsWith("Sent: the mail server accepted it (250");
            assertThat(tls.received()).hasSize(1);

            long untrusted = create(mailJson("untrusted-" + System.nanoTime(), tls.port(), "TLS", null, null)
                    .replaceAll(",\"caCertificate\":\"[^\"]*\"", ""));
            assertThat(test(untrusted)).isEqualTo("Failed: the certificate of 127.0.0.1:" + tls.port()
                    + " is not trusted (give its certificate authority on the target's form)");

            long noStartTls = create(mailJson("no-starttls-" + System.nanoTime(), plain.port(), "STARTTLS", null,
                    null));
            assertThat(test(noStartTls)).startsWith("Failed: the mail server at 127.0.0.1:" + plain.port()
                    + " does not offer STARTTLS");
            assertThat(plain.received()).as("never sent in plain text").isEmpty();

            long none = create(mailJson("plain-" + System.nanoTime(), plain.port(), "NONE", null, null));
            assertThat(test(none)).startsWith("Sent: the mail server accepted it (250");
            int closed = plain.port();
            plain.close();
            assertThat(test(none)).isEqualTo("Failed: connection refused by 127.0.0.1:" + closed);
        }
    }

    @Test
    void theWebhookTestSaysWhatTheReceiverAnswered() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(204)) {
            long id = create("{\"name\":\"hook-" + System.nanoTime() + "\",\"kind\":\"WEBHOOK\",\"url\":\""
                    + receiver.url() + "\",\"key\":\"" + KEY + "\"}");
            assertThat(test(id)).isEqualTo("Sent: the receiver answered 204");
            TestWebhookReceiver.Request request = receiver.requests().get(0);
            assertThat(request.signature()).isEqualTo("sha256=" + hmac(KEY, request.body()));
            assertThat(JsonPath.<String>read(request.text(), "$.state")).isEqualTo("TEST");
            receiver.answer(500);
            assertThat(test(id)).isEqualTo("Failed: the receiver answered 500: database is down");
            int port = receiver.port();
            receiver.close();
            assertThat(test(id)).isEqualTo("Failed: connection refused by 127.0.0.1:" + port);
        }
    }

    /** HMAC-SHA256 as a receiver computes it, written here from the JDK alone. */
    static String hmac(String key, byte[] body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }
}
