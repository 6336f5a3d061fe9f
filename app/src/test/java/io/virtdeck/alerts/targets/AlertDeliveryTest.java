package io.virtdeck.alerts.targets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.support.TestPki;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static io.virtdeck.alerts.targets.AlertTargetApiTest.as;
import static io.virtdeck.alerts.targets.AlertTargetApiTest.hmac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The outbox as the alert rules fill it (rows in alert_deliveries) and the senders empty it: each message arrives once
 * at a real HTTP receiver and a real SMTP server even with several senders on one database at once, webhooks are
 * signed, and a target that fails is tried again with growing waits, then reported FAILED with the reason (API, page,
 * audit log). The application's own sender runs beside them (every 200 ms in tests, retries from 300 ms).
 */
@VirtdeckIntegrationTest
class AlertDeliveryTest {

    private static final String KEY = "delivery-signing-key-0123456789";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertOutbox outbox;
    @Autowired
    AlertTargetRepository targets;
    @Autowired
    AlertDispatch dispatch;
    @Autowired
    AlertTargetProperties properties;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    AuditLog audit;

    private long create(String json) throws Exception {
        String body = mvc.perform(as(post("/api/v1/alert-targets"), "ADMIN").contentType("application/json")
                .content(json)).andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return JsonPath.<Number>read(body, "$.id").longValue();
    }

    private long webhook(String name, String url) throws Exception {
        return create("{\"name\":\"" + name + "\",\"kind\":\"WEBHOOK\",\"url\":\"" + url + "\",\"key\":\"" + KEY
                + "\"}");
    }

    /** A row as the alert rules add it: one per target and alert event, the same key twice is one delivery. */
    private void queue(long target, String key, String subject) {
        String message = "{\"alert\": 7, \"rule\": \"host down\", \"severity\": \"CRITICAL\", \"state\": \"FIRING\","
                + " \"subject\": \"" + subject + "\", \"text\": \"Host kvm1 does not answer.\", \"object\": \"/hosts/3\","
                + " \"at\": \"2026-12-07T20:00:00Z\"}";
        jdbc.sql("INSERT INTO alert_deliveries (target_id, dedupe_key, subject, message) VALUES (:t, :k, :s,"
                        + " CAST(:m AS jsonb)) ON CONFLICT (target_id, dedupe_key) DO NOTHING")
                .param("t", target).param("k", key).param("s", subject).param("m", message).update();
    }

    private AlertSender anotherSender() {
        return new AlertSender(outbox, targets, dispatch, properties, transaction, audit, null);
    }

    private List<String> states(long target) {
        return jdbc.sql("SELECT state FROM alert_deliveries WHERE target_id = :t ORDER BY id").param("t", target)
                .query(String.class).list();
    }

    @Test
    void eachMessageArrivesOnceWhileThreeSendersWorkAtOnce() throws Exception {
        int messages = 40;
        try (TestPki pki = TestPki.create();
             TestWebhookReceiver receiver = TestWebhookReceiver.answering(200);
             TestSmtpServer smtp = TestSmtpServer.start(AlertTarget.Security.STARTTLS, pki, "alerts", "mail-Pass-9")) {
            long hook = webhook("once-hook-" + System.nanoTime(), receiver.url());
            long mail = create("{\"name\":\"once-mail-" + System.nanoTime() + "\",\"kind\":\"MAIL\",\"host\":"
                    + "\"127.0.0.1\",\"port\":" + smtp.port() + ",\"security\":\"STARTTLS\",\"username\":\"alerts\","
                    + "\"password\":\"mail-Pass-9\",\"from\":\"virtdeck@example.com\",\"to\":[\"ops@example.com\"],"
                    + "\"caCertificate\":\"" + pki.pem("ca.pem").replace("\n", "\\n") + "\"}");
            // two more senders, as two more instances on this database would run them, start before the rows come
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                AlertSender sender = anotherSender();
                running.add(threads.submit(() -> {
                    go.await();
                    Instant until = Instant.now().plusSeconds(60);
                    while (Instant.now().isBefore(until) && (!states(hook).stream().allMatch("SENT"::equals)
                            || !states(mail).stream().allMatch("SENT"::equals))) {
                        sender.sendDue();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < messages; i++) {
                queue(hook, "event-" + i, "CRITICAL: kvm1 down #" + i);
                queue(mail, "event-" + i, "CRITICAL: kvm1 down #" + i);
                queue(hook, "event-" + i, "the same event noticed twice"); // no second delivery
            }
            go.countDown();
            for (Future<?> each : running) {
                each.get();
            }
            threads.shutdown();

            assertThat(states(hook)).hasSize(messages).containsOnly("SENT");
            assertThat(states(mail)).hasSize(messages).containsOnly("SENT");
            List<TestWebhookReceiver.Request> requests = receiver.requests();
            Set<String> deliveries = new HashSet<>();
            requests.forEach(r -> deliveries.add(r.delivery()));
            assertThat(requests).as("each webhook message once").hasSize(messages);
            assertThat(deliveries).hasSize(messages);
            List<TestSmtpServer.Received> mails = smtp.received();
            Set<String> mailed = new HashSet<>();
            mails.forEach(m -> mailed.add(m.data().replaceAll("(?s).*X-Virtdeck-Delivery: (\\d+).*", "$1")));
            assertThat(mails).as("each mail once").hasSize(messages);
            assertThat(mailed).hasSize(messages);
            assertThat(mails).allSatisfy(m -> assertThat(m.identity()).isEqualTo("alerts"));
            assertThat(mails.get(0).data()).contains("Subject: CRITICAL: kvm1 down #").contains("Host kvm1 does not answer.")
                    .contains("Severity: CRITICAL").contains("Object: /hosts/3");
            assertThat(jdbc.sql("SELECT max(attempts) FROM alert_deliveries WHERE target_id IN (:h, :m)")
                    .param("h", hook).param("m", mail).query(Integer.class).single()).isEqualTo(1);
        }
    }

    @Test
    void aWebhookIsSignedOverItsExactBodyAndCarriesTheAlert() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(202)) {
            long hook = webhook("signed-" + System.nanoTime(), receiver.url());
            queue(hook, "signed-1", "WARNING: pool default 91% full");
            await().atMost(Duration.ofSeconds(10)).until(() -> states(hook).equals(List.of("SENT")));
            TestWebhookReceiver.Request request = receiver.requests().get(0);
            assertThat(request.signature()).isEqualTo("sha256=" + hmac(KEY, request.body()));
            assertThat(request.signature()).isNotEqualTo("sha256=" + hmac("another-key-0123456789", request.body()));
            assertThat(request.contentType()).startsWith("application/json");
            assertThat(Long.parseLong(request.timestamp())).isBetween(Instant.now().minusSeconds(60).getEpochSecond(),
                    Instant.now().getEpochSecond());
            assertThat(JsonPath.<String>read(request.text(), "$.rule")).isEqualTo("host down");
            assertThat(JsonPath.<String>read(request.text(), "$.object")).isEqualTo("/hosts/3");
            assertThat(mvc.perform(as(get("/alerts/targets"), "OPERATOR")).andReturn().getResponse()
                    .getContentAsString()).contains("WARNING: pool default 91% full")
                    .containsPattern(">Sent</span>\\s+<span>WARNING: pool default 91% full</span><br>\\s+"
                            + "<span class=\"muted\">sent \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC</span>");
            assertThat(request.delivery()).isEqualTo(jdbc.sql("SELECT id FROM alert_deliveries WHERE target_id = :t")
                    .param("t", hook).query(Long.class).single().toString());
        }
    }

    @Test
    void aFailingTargetIsTriedAgainWithGrowingWaitsThenReportedFailed() throws Exception {
        TestWebhookReceiver receiver = TestWebhookReceiver.answering(500);
        String name = "failing-" + System.nanoTime();
        long hook = webhook(name, receiver.url());
        int port = receiver.port();
        queue(hook, "failing-1", "CRITICAL: kvm9 down");
        // three attempts answered 500, then nothing listens any more
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() >= 3);
        receiver.close();
        List<Instant> at = receiver.requests().stream().map(TestWebhookReceiver.Request::at).toList();
        Duration first = Duration.between(at.get(0), at.get(1));
        Duration second = Duration.between(at.get(1), at.get(2));
        assertThat(first).as("first wait").isGreaterThanOrEqualTo(properties.firstRetry());
        assertThat(second).as("the wait doubles").isGreaterThanOrEqualTo(properties.firstRetry().multipliedBy(2))
                .isGreaterThan(first);
        String pending = mvc.perform(as(get("/api/v1/alert-targets/" + hook), "VIEWER"))
                .andReturn().getResponse().getContentAsString();
        assertThat(JsonPath.<String>read(pending, "$.lastDelivery.state")).isEqualTo("PENDING");

        await().atMost(Duration.ofSeconds(20)).until(() -> states(hook).equals(List.of("FAILED")));
        String error = "connection refused by 127.0.0.1:" + port;
        assertThat(jdbc.sql("SELECT attempts FROM alert_deliveries WHERE target_id = :t").param("t", hook)
                .query(Integer.class).single()).isEqualTo(properties.maxAttempts());
        String shown = mvc.perform(as(get("/api/v1/alert-targets"), "OPERATOR")).andReturn().getResponse()
                .getContentAsString();
        assertThat(JsonPath.<List<String>>read(shown, "$[?(@.id == " + hook + ")].lastDelivery.state"))
                .containsExactly("FAILED");
        assertThat(JsonPath.<List<String>>read(shown, "$[?(@.id == " + hook + ")].lastDelivery.error"))
                .containsExactly(error);
        assertThat(mvc.perform(as(get("/alerts/targets"), "VIEWER")).andReturn().getResponse().getContentAsString())
                .contains("Last error: " + error).contains(properties.maxAttempts() + " attempt(s)");
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'alert.delivery.failed' AND object_id = :id"
                        + " AND outcome = 'INFO' AND username = 'system'")
                .param("id", Long.toString(hook)).query(String.class).list())
                .containsExactly("'CRITICAL: kvm9 down' not sent after " + properties.maxAttempts() + " attempts: "
                        + error);
    }
}
