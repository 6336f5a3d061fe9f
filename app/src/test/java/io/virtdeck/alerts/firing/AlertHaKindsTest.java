package io.virtdeck.alerts.firing;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.alerts.targets.TestWebhookReceiver;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static io.virtdeck.alerts.firing.AlertTesting.receivedExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HA rule kinds against a real lost host (a libvirtd serving the test driver, killed), as HaRestartTest loses one:
 * of its two HA guests, one is restarted on the surviving host (HA restart done), the other is bound to a network only
 * the lost host has, so no host can run it and its restart waits saying why (HA restart impossible), until an operator
 * turns its HA off (resolved). Each alert reaches a real webhook receiver once, the resolved message once more.
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.ha.grace=2s", "virtdeck.ha.retry=1s"})
class AlertHaKindsTest {

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertRepository alerts;

    private AlertTesting kit;
    private Api api;

    @BeforeEach
    void kit() {
        kit = new AlertTesting(mvc, jdbc, alerts);
        api = new Api(mvc);
    }

    @AfterEach
    void removeWhatWasMade() throws Exception {
        kit.removeWhatWasMade();
    }

    @Test
    void aLostHostsHaGuestsAreRestartedOrSaidImpossibleUntilHaIsTurnedOff() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            String lostName = "alerts-ha-lost-" + System.nanoTime();
            String survivorName = "alerts-ha-survivor-" + System.nanoTime();
            long lost = kit.host(lostName, DAEMON.uri());
            kit.host(survivorName);
            mvc.perform(api.post("/api/v1/hosts/" + lost + "/networks", "{\"name\":\"ha-only\",\"mode\":\"isolated\"}"))
                    .andExpect(status().isCreated());
            String made = mvc.perform(api.post("/api/v1/hosts/" + lost + "/guests",
                            "{\"name\":\"ha-bound\",\"vcpus\":1,\"memoryMiB\":128,\"networks\":[\"ha-only\"]}"))
                    .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
            long bound = JsonPath.<Number>read(made, "$.id").longValue();
            mvc.perform(api.post("/api/v1/guests/" + bound + "/actions/start", "")).andExpect(status().isOk());
            long test = api.guestId(lost, "test");
            ha(test, true);
            ha(bound, true);
            long impossible = kit.rule("\"kind\":\"HA_RESTART_IMPOSSIBLE\",\"severity\":\"CRITICAL\",\"targets\":["
                    + target + "]");
            long done = kit.rule("\"kind\":\"HA_RESTART_DONE\",\"severity\":\"INFO\",\"targets\":[" + target + "]");

            DAEMON.stop();

            long waiting = await("the bound guest's restart, waiting").atMost(Duration.ofSeconds(40))
                    .until(() -> jdbc.sql("""
                                    SELECT id FROM ha_restarts WHERE from_host = :host AND guest_name = 'ha-bound'
                                    AND state = 'WAITING' AND reason IS NOT NULL""").param("host", lostName)
                            .query(Long.class).optional(), id -> id.isPresent()).orElseThrow();
            Alert stuck = kit.awaitOpened(impossible, "ha-restart:" + waiting);
            assertThat(stuck.text()).startsWith("HA guest ha-bound (host " + lostName + " lost) cannot be restarted:"
                    + " no host can run it now: ").contains("network 'ha-only' does not exist on host '"
                    + survivorName + "'");
            assertThat(stuck.link()).isEqualTo("/ha");

            long restarted = await("the other guest's restart on the survivor").atMost(Duration.ofSeconds(40))
                    .until(() -> jdbc.sql("""
                                    SELECT id FROM audit_events WHERE action = 'guest.ha.restart' AND outcome = 'SUCCESS'
                                    AND object_id = :guest""").param("guest", Long.toString(test))
                            .query(Long.class).optional(), id -> id.isPresent()).orElseThrow();
            Alert restart = kit.awaitOpened(done, "audit:" + restarted);
            assertThat(restart.event()).isTrue();
            // on the survivor or another test class's host: placement picks among all that can run it
            assertThat(restart.text()).matches("HA restart of guest test done: Restarted 'test' on host '[^']+', \\d+ s"
                    + " after host '" + lostName + "' stopped answering \\(declared lost after 2 s\\)\\.");
            assertThat(restart.link()).isEqualTo("/guests/" + test);

            // turning HA off is how an operator stops a restart that cannot be done
            ha(bound, false);
            await("resolved").atMost(Duration.ofSeconds(30)).until(() -> alerts.find(stuck.id()).orElseThrow().state(),
                    "RESOLVED"::equals);
            receivedExactly(receiver, stuck.id(), "FIRING", "RESOLVED");
            receivedExactly(receiver, restart.id(), "FIRING");
            assertThat(kit.alertsOf(impossible, "ha-restart:" + waiting)).hasSize(1);
        }
    }

    private void ha(long guest, boolean enabled) throws Exception {
        mvc.perform(api.put("/api/v1/guests/" + guest + "/ha", "{\"enabled\":" + enabled + ",\"priority\":10}"))
                .andExpect(status().isOk());
    }
}
