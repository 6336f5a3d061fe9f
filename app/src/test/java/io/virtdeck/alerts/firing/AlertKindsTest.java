package io.virtdeck.alerts.firing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.alerts.targets.TestWebhookReceiver;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.backup.BackupJobService;
import io.virtdeck.hypervisor.OutsideVirtdeck;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static io.virtdeck.alerts.firing.AlertTesting.receivedExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The rule kinds read from the inventory, the backup jobs and the audit log, each brought about the way Virtdeck meets
 * it: a guest that libvirt reports crashed, a change made with another libvirt client, a scheduled backup whose time
 * passed with no instance to start it, backups that fail on the test driver and backups refused. Each alert reaches a
 * real webhook receiver exactly once (a condition's resolved message once more). The application's own evaluator runs
 * beside the test's calls; every assertion is about the hosts, guests, jobs and audit rows this class made.
 */
@VirtdeckIntegrationTest
class AlertKindsTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertEvaluator evaluator;
    @Autowired
    AlertRepository alerts;
    @Autowired
    BackupJobService jobs;
    @Autowired
    TaskService tasks;

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
    void aCrashedGuestFiresAndResolvesOnceItIsPoweredOff() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            String hostName = "alerts-crash-" + System.nanoTime();
            // libvirt reports gamma-build crashed: the inventory reads it so when the host connects
            long hostId = kit.host(hostName, TestHosts.smallHostWithACrashedGuest());
            long guest = api.guestId(hostId, "gamma-build");
            long rule = kit.rule("\"kind\":\"GUEST_CRASHED\",\"severity\":\"CRITICAL\",\"targets\":[" + target + "]");

            evaluator.evaluate();
            Alert alert = kit.alertsOf(rule, "guest:" + guest).get(0);
            assertThat(alert.text()).isEqualTo("Guest gamma-build on " + hostName + " crashed");
            assertThat(alert.link()).isEqualTo("/guests/" + guest);
            assertThat(kit.alertsOf(rule, "guest:" + api.guestId(hostId, "alpha-web"))).as("running").isEmpty();

            mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/poweroff", "")).andExpect(status().isOk());
            evaluator.evaluate();
            assertThat(alerts.find(alert.id()).orElseThrow().state()).isEqualTo("RESOLVED");
            List<String> messages = receivedExactly(receiver, alert.id(), "FIRING", "RESOLVED");
            assertThat(JsonPath.<String>read(messages.get(0), "$.subject"))
                    .isEqualTo("CRITICAL: Guest gamma-build on " + hostName + " crashed");
            assertThat(kit.alertsOf(rule, "guest:" + guest)).hasSize(1);
        }
    }

    @Test
    void aGuestDefinedWithAnotherLibvirtClientFiresOnce() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200);
             OutsideVirtdeck outside = new OutsideVirtdeck()) {
            long target = kit.webhook(receiver);
            // libvirt's shared test host, which InventorySyncTest registers too: used if it is there, else registered
            // and removed after
            boolean registered = !JsonPath.<List<?>>read(api.getJson("/api/v1/hosts"),
                    "$[?(@.name == 'shared-default')]").isEmpty();
            long hostId = registered ? api.connectedHost("shared-default", OutsideVirtdeck.SHARED_TEST_HOST)
                    : kit.host("shared-default", OutsideVirtdeck.SHARED_TEST_HOST);
            long rule = kit.rule("\"kind\":\"GUEST_CHANGED_OUTSIDE\",\"severity\":\"WARNING\",\"targets\":["
                    + target + "]");
            String name = "alerts-outsider-" + System.nanoTime();

            outside.define(name, UUID.randomUUID().toString()); // as virsh define would
            try {
                long audited = await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                                SELECT id FROM audit_events WHERE action = 'guest.changed-outside' AND object_name = :name
                                ORDER BY id""").param("name", name).query(Long.class).list(), ids -> !ids.isEmpty())
                        .get(0);
                Alert alert = kit.awaitOpened(rule, "audit:" + audited);
                assertThat(alert.event()).isTrue();
                assertThat(alert.text()).isEqualTo("Guest " + name + " changed outside Virtdeck: libvirt reported"
                        + " defined on host shared-default, not requested through Virtdeck");
                assertThat(alert.link()).isEqualTo("/guests/" + api.guestId(hostId, name));
                assertThat(JsonPath.<String>read(receivedExactly(receiver, alert.id(), "FIRING").get(0), "$.subject"))
                        .isEqualTo("WARNING: " + alert.text());
            } finally {
                outside.undefine(name);
            }
        }
    }

    @Test
    void aScheduledBackupNotStartedInTimeFiresAndResolvesOnceItRuns() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            long hostId = kit.host("alerts-missed-" + System.nanoTime());
            long guest = api.guestId(hostId, "gamma-build");
            String name = "nightly-" + System.nanoTime();
            long job = kit.create("/api/v1/backup-jobs", "{\"name\":\"" + name + "\",\"scope\":\"guest\",\"guestId\":"
                    + guest + ",\"storeId\":" + store(hostId) + ",\"schedule\":\"30 2 * * *\","
                    + "\"retention\":{\"keepLast\":3}}");
            long rule = kit.rule("\"kind\":\"BACKUP_MISSED\",\"minutes\":5,\"targets\":[" + target + "]");

            evaluator.evaluate();
            assertThat(kit.alertsOf(rule, "backup-job:" + job)).as("due tonight").isEmpty();
            // Every instance was down at 02:30 and for ten minutes after: nothing but the clock moves the due time
            // into the past (waiting for it is not possible), so it is set back here. The next scheduler round would
            // start it at once: the evaluation follows straight away, as it would on a restarted instance.
            jdbc.sql("UPDATE backup_jobs SET next_run_at = now() - interval '10 minutes' WHERE id = :id")
                    .param("id", job).update();
            evaluator.evaluate();
            Alert alert = kit.alertsOf(rule, "backup-job:" + job).get(0);
            assertThat(alert.text()).matches("Scheduled backup " + name + " missed its schedule: due at"
                    + " \\d\\d:\\d\\d UTC, not started 5 minutes later");
            assertThat(alert.link()).isEqualTo("/backups");

            jobs.runDue(); // an instance is back: its scheduler starts the job and counts its next run
            evaluator.evaluate();
            assertThat(alerts.find(alert.id()).orElseThrow().state()).isEqualTo("RESOLVED");
            receivedExactly(receiver, alert.id(), "FIRING", "RESOLVED");
            awaitBackupsOf(guest);
        }
    }

    @Test
    void aBackupThatFailsAndAScheduledBackupRefusedFireARefusalSomeoneSawDoesNot() throws Exception {
        try (TestWebhookReceiver receiver = TestWebhookReceiver.answering(200)) {
            long target = kit.webhook(receiver);
            long hostId = kit.host("alerts-backup-" + System.nanoTime());
            long guest = api.guestId(hostId, "alpha-web");
            long store = store(hostId);
            String name = "hourly-" + System.nanoTime();
            long job = kit.create("/api/v1/backup-jobs", "{\"name\":\"" + name + "\",\"scope\":\"guest\",\"guestId\":"
                    + guest + ",\"storeId\":" + store + ",\"schedule\":\"0 * * * *\",\"retention\":{\"keepLast\":3}}");
            long rule = kit.rule("\"kind\":\"BACKUP_FAILED\",\"severity\":\"WARNING\",\"targets\":[" + target + "]");

            // an operator's backup: the test driver has no backup API, so it begins and fails in its task
            String task = mvc.perform(api.post("/api/v1/guests/" + guest + "/backups", "{\"storeId\":" + store + "}"))
                    .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString();
            assertThat(api.taskWhenDone(JsonPath.<Number>read(task, "$.id").longValue(), Duration.ofSeconds(30)))
                    .contains("\"state\":\"FAILED\"");

            // while another task holds the guest, an operator's backup is refused (they are told so at once), and the
            // job's run at the hour is refused too (nobody is there to see it)
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> tasks.runHere(AuditAction.GUEST_CLONE,
                    AuditObject.guest(guest, "alpha-web"), false, progress -> {
                        holding.countDown();
                        release.await(30, TimeUnit.SECONDS);
                        return "held";
                    }));
            try {
                assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
                mvc.perform(api.post("/api/v1/guests/" + guest + "/backups", "{\"storeId\":" + store + "}"))
                        .andExpect(status().isConflict());
                jdbc.sql("UPDATE backup_jobs SET next_run_at = now() - interval '1 second' WHERE id = :id")
                        .param("id", job).update(); // the hour has come
                jobs.runDue();
            } finally {
                release.countDown();
                busy.join();
            }

            List<Audited> failures = jdbc.sql("""
                            SELECT id, username, detail FROM audit_events WHERE action = 'backup.run'
                            AND outcome = 'FAILURE' AND object_id = :guest ORDER BY id""")
                    .param("guest", Long.toString(guest))
                    .query((rs, n) -> new Audited(rs.getLong("id"), rs.getString("username"), rs.getString("detail")))
                    .list();
            assertThat(failures).hasSize(3);
            Audited failed = failures.get(0);
            Audited refusedByHand = failures.get(1);
            Audited refusedForJob = failures.get(2);
            assertThat(failed.detail()).contains("did not begin");
            assertThat(refusedByHand.user()).isEqualTo("admin");
            assertThat(refusedForJob.user()).isEqualTo("job:" + name);

            Alert ofFailed = kit.awaitOpened(rule, "audit:" + failed.id());
            Alert ofJob = kit.awaitOpened(rule, "audit:" + refusedForJob.id());
            assertThat(ofFailed.text()).isEqualTo("Backup of guest alpha-web failed: " + failed.detail());
            assertThat(ofFailed.link()).isEqualTo("/guests/" + guest);
            assertThat(ofJob.text()).isEqualTo("Backup of guest alpha-web failed: " + refusedForJob.detail());
            receivedExactly(receiver, ofFailed.id(), "FIRING");
            receivedExactly(receiver, ofJob.id(), "FIRING");
            // several rounds have passed (receivedExactly waits): the refusal the operator saw opened nothing
            assertThat(kit.alertsOf(rule, "audit:" + refusedByHand.id())).isEmpty();
        }
    }

    private record Audited(long id, String user, String detail) {
    }

    private long store(long hostId) throws Exception {
        return kit.create("/api/v1/backup-stores", "{\"name\":\"alerts-store-" + System.nanoTime() + "\",\"hostId\":"
                + hostId + ",\"pool\":\"default\"}");
    }

    /** The guest's backup tasks have ended, before its host is removed. */
    private void awaitBackupsOf(long guest) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        SELECT count(*) FROM tasks WHERE type = 'backup.run' AND object_id = :guest
                        AND state IN ('QUEUED', 'RUNNING')""").param("guest", Long.toString(guest))
                .query(Long.class).single() == 0);
    }
}
