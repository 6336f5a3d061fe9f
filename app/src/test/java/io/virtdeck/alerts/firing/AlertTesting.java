package io.virtdeck.alerts.firing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.alerts.targets.TestWebhookReceiver;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What the alert tests make through the API (webhook targets, rules, test-driver hosts) and read back (a rule's alerts
 * about one subject, what a receiver got about one alert); {@link #removeWhatWasMade()} after each test. The unit
 * test classes share one database: everything here is scoped to what the test made.
 */
final class AlertTesting {

    static final String KEY = "evaluator-signing-key-0123456789";

    private final MockMvc mvc;
    private final JdbcClient jdbc;
    private final AlertRepository alerts;
    private final List<Long> rules = new ArrayList<>();
    private final List<Long> hosts = new ArrayList<>();

    AlertTesting(MockMvc mvc, JdbcClient jdbc, AlertRepository alerts) {
        this.mvc = mvc;
        this.jdbc = jdbc;
        this.alerts = alerts;
    }

    static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-evaluator").roles(role));
    }

    void removeWhatWasMade() throws Exception {
        for (long rule : rules) {
            mvc.perform(as(delete("/api/v1/alert-rules/" + rule), "ADMIN"));
        }
        for (long host : hosts) {
            mvc.perform(new Api(mvc).delete("/api/v1/hosts/" + host));
        }
    }

    long create(String path, String body) throws Exception {
        String answer = mvc.perform(as(post(path), "ADMIN").contentType("application/json").content(body))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return JsonPath.<Number>read(answer, "$.id").longValue();
    }

    /** A webhook target to the receiver, signed with {@link #KEY}. */
    long webhook(TestWebhookReceiver receiver) throws Exception {
        return create("/api/v1/alert-targets", "{\"name\":\"evaluator-hook-" + System.nanoTime()
                + "\",\"kind\":\"WEBHOOK\",\"url\":\"" + receiver.url() + "\",\"key\":\"" + KEY + "\"}");
    }

    /** @param fields the rule's JSON fields but its name: {@code "kind":"HOST_LOST"} */
    long rule(String fields) throws Exception {
        long id = create("/api/v1/alert-rules", "{\"name\":\"evaluator-" + System.nanoTime() + "\"," + fields + "}");
        rules.add(id);
        return id;
    }

    /** A test-driver host with the guests of small-host.xml, once its registration's connection is up. */
    long host(String name) throws Exception {
        return host(name, TestHosts.smallHost());
    }

    long host(String name, String uri) throws Exception {
        long id = new Api(mvc).connectedHost(name, uri);
        hosts.add(id);
        return id;
    }

    List<Alert> alertsOf(long rule, String subjectKey) {
        return jdbc.sql("SELECT id FROM alerts WHERE rule_id = :rule AND subject_key = :key ORDER BY id")
                .param("rule", rule).param("key", subjectKey).query(Long.class).list().stream()
                .map(id -> alerts.find(id).orElseThrow()).toList();
    }

    /** All of a rule's alerts (an event rule's subjects are audit rows and tasks the test does not know). */
    List<Alert> alertsOf(long rule) {
        return jdbc.sql("SELECT id FROM alerts WHERE rule_id = :rule ORDER BY id").param("rule", rule)
                .query(Long.class).list().stream().map(id -> alerts.find(id).orElseThrow()).toList();
    }

    /** The one alert the rule opens about the subject, once the application's own evaluator has opened it. */
    Alert awaitOpened(long rule, String subjectKey) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> alertsOf(rule, subjectKey), list -> !list.isEmpty())
                .get(0);
    }

    /** What the receiver got about one alert, as JSON texts. */
    static List<String> received(TestWebhookReceiver receiver, long alert) {
        return receiver.requests().stream().map(TestWebhookReceiver.Request::text)
                .filter(text -> ((Number) JsonPath.read(text, "$.alert")).longValue() == alert).toList();
    }

    /**
     * Waits for the receiver to have {@code states.size()} messages about the alert, lets a few more rounds of the
     * evaluator and sender pass, and asserts it got exactly those, in order: nothing is sent twice.
     */
    static List<String> receivedExactly(TestWebhookReceiver receiver, long alert, String... states)
            throws InterruptedException {
        await().atMost(Duration.ofSeconds(20)).until(() -> received(receiver, alert).size() >= states.length);
        Thread.sleep(2500);
        List<String> messages = received(receiver, alert);
        assertThat(messages.stream().map(m -> JsonPath.<String>read(m, "$.state")).toList())
                .containsExactly(states);
        return messages;
    }
}
