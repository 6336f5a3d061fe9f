package io.virtdeck.alerts.firing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.alerts.rules.AlertRules;
import io.virtdeck.alerts.targets.AlertQueue;
import io.virtdeck.alerts.targets.TestWebhookReceiver;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.HostConnectionChanged;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import static io.virtdeck.alerts.firing.AlertTesting.as;
import static io.virtdeck.alerts.firing.AlertTesting.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The evaluator against the real inventory, audit log and tasks, with real webhook receivers: a condition opens an
 * alert, is repeated after its interval and resolved with a resolved message; several evaluators at once (as several
 * instances run them) open one alert and queue one message per target; an event fires once, not again after a
 * restart; a host lost and back reaches a webhook once each, signed. The application's own evaluator runs beside the
 * test's calls (every second in tests): every assertion is about the rules, hosts and alerts this class made.
 */
@VirtdeckIntegrationTest
class AlertEvaluatorTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertEvaluator evaluator;
    @Autowired
    AlertRules rules;
    @Autowired
    AlertConditions conditions;
    @Autowired
    AlertEvents events;
    @Autowired
    AlertRepository alerts;
    @Autowired
    AlertQueue queue;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    JsonMapper json;
    @Autowired
    AuditLog audit;
    @Autowired
    TaskService tasks;
    @Autowired
    ApplicationEventPublisher publisher;

    private AlertTesting kit;

    @BeforeEach
    void kit() {
        kit = new AlertTesting(mvc, jdbc, alerts);
    }

    @AfterEach
    void removeWhatWasMade() throws Exception {
        kit.removeWhatWasMade();
    }

    private List<String> deliveryKeys(long alert) {
        return jdbc.sql("SELECT dedupe_key FROM alert_deliveries WHERE dedupe_key LIKE :prefix ORDER BY id")
                .param("prefix", "alert:" + alert + ":%").query(String.class).list();
    }

    @Test
    void aConditionOpensIsRepeatedAfterItsIntervalAndResolvesWithAResolvedMessage() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            long hostId = kit.host("alerts-oc-" + System.nanoTime());
            String hostName = JsonPath.read(new Api(mvc).getJson("/api/v1/hosts/" + hostId), "$.name");
            long rule = kit.rule("\"kind\":\"VCPU_OVERCOMMIT\",\"ratio\":0.01,\"severity\":\"WARNING\","
                    + "\"repeatMinutes\":5,\"targets\":[" + target + "]");

            evaluator.evaluate();
            List<Alert> opened = kit.alertsOf(rule, "host:" + hostId);
            assertThat(opened).hasSize(1);
            Alert alert = opened.get(0);
            assertThat(alert.state()).isEqualTo("FIRING");
            assertThat(alert.fired()).isEqualTo(1);
            assertThat(alert.text()).startsWith("Host " + hostName + "'s vCPUs are overcommitted ")
                    .endsWith(" : 1 by its running guests (rule: above 0.01)");
            assertThat(alert.link()).isEqualTo("/hosts/" + hostId);

            evaluator.evaluate();
            assertThat(alerts.find(alert.id()).orElseThrow().fired()).as("not due before its interval").isEqualTo(1);
            // five minutes pass
            jdbc.sql("UPDATE alerts SET last_fired_at = last_fired_at - interval '5 minutes' WHERE id = :id")
                    .param("id", alert.id()).update();
            evaluator.evaluate();
            assertThat(alerts.find(alert.id()).orElseThrow().fired()).isEqualTo(2);

            mvc.perform(as(put("/api/v1/alert-rules/" + rule), "ADMIN").contentType("application/json")
                    .content("{\"name\":\"evaluator-changed-" + System.nanoTime() + "\",\"kind\":\"VCPU_OVERCOMMIT\","
                            + "\"ratio\":50,\"targets\":[" + target + "]}")).andExpect(status().isOk());
            evaluator.evaluate();
            Alert resolved = alerts.find(alert.id()).orElseThrow();
            assertThat(resolved.state()).isEqualTo("RESOLVED");
            assertThat(resolved.resolvedText()).isEqualTo("Host " + hostName + " is at or below 50 again");
            assertThat(deliveryKeys(alert.id())).containsExactly("alert:" + alert.id() + ":fired:1",
                    "alert:" + alert.id() + ":fired:2", "alert:" + alert.id() + ":resolved");

            await().atMost(Duration.ofSeconds(15)).until(() -> received(receiver, alert.id()).size() >= 3);
            List<String> messages = received(receiver, alert.id());
            assertThat(messages).hasSize(3);
            assertThat(messages.stream().map(m -> JsonPath.<String>read(m, "$.state")).toList())
                    .containsExactly("FIRING", "FIRING", "RESOLVED");
            assertThat(JsonPath.<String>read(messages.get(0), "$.subject")).startsWith("WARNING: Host " + hostName);
            assertThat(JsonPath.<String>read(messages.get(1), "$.subject")).endsWith("(still, message 2)");
            assertThat(JsonPath.<String>read(messages.get(2), "$.subject"))
                    .isEqualTo("RESOLVED: Host " + hostName + " is at or below 50 again");
            assertThat(kit.alertsOf(rule, "host:" + hostId)).as("no new alert once resolved and clear").hasSize(1);
        }
    }

    @Test
    void poolRulesFireOnTheirPercentAndForecastAndResolveWhenClear() throws Exception {
        long hostId = kit.host("alerts-pools-" + System.nanoTime());
        String hostName = JsonPath.read(new Api(mvc).getJson("/api/v1/hosts/" + hostId), "$.name");
        String pool = "Images-" + System.nanoTime();
        // five days of hourly readings growing by about 100 MiB a day to 910 of 1000 MiB: full in about a day
        jdbc.sql("""
                        INSERT INTO pool_usage_history (host_id, name, at, capacity_mib, allocation_mib)
                        SELECT :host, :pool, now() - make_interval(hours => h), 1000, 910 - h * 100 / 24
                        FROM generate_series(1, 120) AS h""")
                .param("host", hostId).param("pool", pool).update();
        long above90 = kit.rule("\"kind\":\"POOL_ABOVE\",\"percent\":90");
        long above95 = kit.rule("\"kind\":\"POOL_ABOVE\",\"percent\":95");
        long within7 = kit.rule("\"kind\":\"POOL_FULL_WITHIN\",\"days\":7");
        String key = "pool:" + hostId + "/" + pool;

        // as the host's monitor writes a reading (it replaces the host's rows each minute: written just before use)
        jdbc.sql("""
                        INSERT INTO pool_usage (host_id, name, type, active, capacity_mib, allocation_mib, available_mib,
                                                autostart)
                        VALUES (:host, :pool, 'dir', TRUE, 1000, 910, 90, FALSE)""")
                .param("host", hostId).param("pool", pool).update();
        evaluator.evaluate();
        assertThat(kit.alertsOf(above90, key)).singleElement().satisfies(a -> assertThat(a.text())
                .isEqualTo("Pool " + pool + " on " + hostName + " is 91 % full (rule: at or above 90 %)"));
        assertThat(kit.alertsOf(above95, key)).isEmpty();
        assertThat(kit.alertsOf(within7, key)).singleElement().satisfies(a -> assertThat(a.text())
                .matches("Pool " + pool + " on " + hostName + " is forecast full in \\d\\.\\d days \\(rule: within 7"
                        + " days\\)"));

        jdbc.sql("DELETE FROM pool_usage WHERE host_id = :host AND name = :pool").param("host", hostId)
                .param("pool", pool).update();
        evaluator.evaluate();
        assertThat(kit.alertsOf(above90, key)).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo("RESOLVED");
            assertThat(a.resolvedText()).isEqualTo("Pool " + pool + " on " + hostName + " is below 90 % again");
        });
        assertThat(kit.alertsOf(within7, key)).singleElement().satisfies(a -> assertThat(a.resolvedText())
                .isEqualTo("Pool " + pool + " on " + hostName + " is no longer forecast full within 7 days"));
    }

    @Test
    void severalEvaluatorsAtOnceOpenOneAlertAndQueueOneMessagePerTarget() throws Exception {
        try (TestWebhookReceiver first = TestWebhookReceiver.answering(200);
             TestWebhookReceiver second = TestWebhookReceiver.answering(204)) {
            long one = kit.webhook(first);
            long two = kit.webhook(second);
            long hostId = kit.host("alerts-race-" + System.nanoTime());
            // four instances' evaluators, each its own object on the one database
            List<AlertEvaluator> instances = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                instances.add(new AlertEvaluator(rules, conditions, events, alerts, queue, transaction, json));
            }
            long rule = kit.rule("\"kind\":\"MEMORY_OVERCOMMIT\",\"ratio\":0.001,\"severity\":\"CRITICAL\","
                    + "\"repeatMinutes\":1,\"targets\":[" + one + "," + two + "]");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(instances.size());
            List<Future<?>> running = new ArrayList<>();
            for (AlertEvaluator instance : instances) {
                running.add(threads.submit(() -> {
                    go.await();
                    for (int round = 0; round < 5; round++) {
                        instance.evaluate();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> each : running) {
                each.get();
            }
            threads.shutdown();

            List<Alert> opened = kit.alertsOf(rule, "host:" + hostId);
            assertThat(opened).hasSize(1);
            long alert = opened.get(0).id();
            assertThat(opened.get(0).fired()).isEqualTo(1);
            assertThat(jdbc.sql("SELECT target_id FROM alert_deliveries WHERE dedupe_key LIKE :prefix ORDER BY target_id")
                    .param("prefix", "alert:" + alert + ":%").query(Long.class).list()).containsExactly(one, two);
            await().atMost(Duration.ofSeconds(15)).until(() -> received(first, alert).size() == 1
                    && received(second, alert).size() == 1);
            Thread.sleep(1500); // a few more rounds of the application's own evaluator and sender
            assertThat(received(first, alert)).hasSize(1);
            assertThat(received(second, alert)).hasSize(1);
        }
    }

    @Test
    void aFailedTaskOfTheTypeFiresOnceNotAgainAfterARestart() throws Exception {
        long rule = kit.rule("\"kind\":\"TASK_FAILED\",\"taskType\":\"guest.migrate\",\"severity\":\"WARNING\"");
        String guest = "Alerts-Migrating-" + System.nanoTime();
        Task failed = tasks.runHere(AuditAction.GUEST_MIGRATE, new AuditObject("guest", "alerts-" + System.nanoTime(),
                guest), false, progress -> {
                    throw VirtdeckException.refused("no host has room for it");
                });
        Task other = tasks.runHere(AuditAction.GUEST_CLONE, new AuditObject("guest", "alerts-" + System.nanoTime(),
                guest), false, progress -> {
                    throw VirtdeckException.refused("another type");
                });
        assertThat(failed.state()).isEqualTo(Task.State.FAILED);

        evaluator.evaluate();
        List<Alert> fired = kit.alertsOf(rule, "task:" + failed.id());
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).event()).isTrue();
        assertThat(fired.get(0).text()).isEqualTo("Task guest.migrate on guest " + guest
                + " failed: no host has room for it");
        assertThat(kit.alertsOf(rule, "task:" + other.id())).as("another type").isEmpty();

        // a restart: a new evaluator, with nothing in memory, reads the rule's position from the database
        AlertEvaluator restarted = new AlertEvaluator(rules, conditions, events, alerts, queue, transaction, json);
        restarted.evaluate();
        restarted.evaluate();
        assertThat(kit.alertsOf(rule, "task:" + failed.id())).hasSize(1);
        assertThat(jdbc.sql("SELECT seen_until > now() - interval '1 minute' FROM alert_rules WHERE id = :id")
                .param("id", rule).query(Boolean.class).single()).as("the position is kept").isTrue();
        // acknowledged, the event's alert is closed, and stays the only one
        mvc.perform(as(post("/api/v1/alerts/" + fired.get(0).id() + "/acknowledge"), "VIEWER")
                .contentType("application/json").content("{\"note\":\"known: the lab is full\"}"))
                .andExpect(status().isOk());
        restarted.evaluate();
        List<Alert> after = kit.alertsOf(rule, "task:" + failed.id());
        assertThat(after).hasSize(1);
        assertThat(after.get(0).state()).isEqualTo("RESOLVED");
        assertThat(after.get(0).acknowledgedNote()).isEqualTo("known: the lab is full");
    }

    @Test
    void aConsoleOpenedOnTheNamedGuestFiresOnceOthersDoNot() throws Exception {
        String guest = "Alerts-Console-" + System.nanoTime();
        long rule = kit.rule("\"kind\":\"CONSOLE_OPENED\",\"guest\":\"" + guest + "\",\"severity\":\"INFO\"");
        audit.recordAs("alice", AuditAction.CONSOLE_OPEN, AuditObject.guest(990001, guest), AuditEntry.Outcome.SUCCESS,
                "display 127.0.0.1:5900");
        audit.recordAs("bob", AuditAction.CONSOLE_OPEN, AuditObject.guest(990002, guest + "-other"),
                AuditEntry.Outcome.SUCCESS, "display 127.0.0.1:5901");
        audit.recordAs("carol", AuditAction.CONSOLE_OPEN, AuditObject.guest(990001, guest),
                AuditEntry.Outcome.FAILURE, "display unreachable");

        evaluator.evaluate();
        new AlertEvaluator(rules, conditions, events, alerts, queue, transaction, json).evaluate();
        List<String> texts = jdbc.sql("SELECT text FROM alerts WHERE rule_id = :rule").param("rule", rule)
                .query(String.class).list();
        assertThat(texts).hasSize(1);
        assertThat(texts.get(0)).startsWith("Console of guest " + guest + " opened by alice at ").endsWith(" UTC");
    }

    @Test
    void aHostLostAndBackReachesAWebhookOnceEachSigned() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            String name = "alerts-lost-" + System.nanoTime();
            // connected first: the registration's own connect must not overwrite the loss below
            long hostId = kit.host(name);
            long rule = kit.rule("\"kind\":\"HOST_LOST\",\"severity\":\"CRITICAL\",\"targets\":[" + target + "]");

            // what the host's monitor tells the inventory when the connection drops, and when it is back
            publisher.publishEvent(new HostConnectionChanged(hostId, ConnectionState.UNREACHABLE, "keepalive timeout"));
            Alert alert = await().atMost(Duration.ofSeconds(15)).until(() -> kit.alertsOf(rule, "host:" + hostId),
                    list -> !list.isEmpty()).get(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> received(receiver, alert.id()).size() == 1);
            TestWebhookReceiver.Request fired = receiver.requests().stream()
                    .filter(r -> ((Number) JsonPath.read(r.text(), "$.alert")).longValue() == alert.id()).findFirst()
                    .orElseThrow();
            assertThat(fired.signature()).isEqualTo("sha256=" + hmac(fired.body()));
            assertThat(JsonPath.<String>read(fired.text(), "$.state")).isEqualTo("FIRING");
            assertThat(JsonPath.<String>read(fired.text(), "$.severity")).isEqualTo("CRITICAL");
            assertThat(JsonPath.<String>read(fired.text(), "$.text"))
                    .matches("Host " + name + " lost: no answer since \\d\\d:\\d\\d UTC \\(keepalive timeout\\)");
            assertThat(JsonPath.<String>read(fired.text(), "$.object")).isEqualTo("/hosts/" + hostId);

            publisher.publishEvent(new HostConnectionChanged(hostId, ConnectionState.CONNECTED, null));
            await().atMost(Duration.ofSeconds(15)).until(() -> received(receiver, alert.id()).size() == 2);
            Thread.sleep(2500); // more rounds: nothing is sent twice
            List<String> messages = received(receiver, alert.id());
            assertThat(messages).hasSize(2);
            assertThat(JsonPath.<String>read(messages.get(1), "$.state")).isEqualTo("RESOLVED");
            assertThat(JsonPath.<String>read(messages.get(1), "$.subject"))
                    .isEqualTo("RESOLVED: Host " + name + " is back: it answers again");
            assertThat(kit.alertsOf(rule, "host:" + hostId)).hasSize(1);
        }
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(AlertTesting.KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }
}
