package io.virtdeck.inventory;

import java.time.Duration;

import io.virtdeck.hypervisor.OutsideVirtdeck;
import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Changes made outside Virtdeck (another libvirt client) reach the inventory through libvirt's events within a second,
 * are audited as system events, and the periodic reconcile repairs whatever the events missed.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InventorySyncTest {

    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(1);

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    InventorySync sync;

    long host;

    @BeforeAll
    void registerTheSharedHost() throws Exception {
        host = new Api(mvc).registerHost("shared-default", OutsideVirtdeck.SHARED_TEST_HOST);
        new Api(mvc).guestId(host, "test");
    }

    @Test
    void aStateChangedWithAnotherClientShowsWithinASecondAndIsAudited() throws Exception {
        try (OutsideVirtdeck outside = new OutsideVirtdeck()) {
            outside.suspend("test");
            long started = System.nanoTime();
            await().atMost(EVENT_DEADLINE).until(() -> state("test"), "PAUSED"::equals);
            System.out.printf("event to inventory: %d ms%n", (System.nanoTime() - started) / 1_000_000);

            outside.resume("test");
            await().atMost(EVENT_DEADLINE).until(() -> state("test"), "RUNNING"::equals);
        }
        // the audit entry is written after the row changed, so it may land a moment after the state shows
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql("""
                        SELECT count(*) FROM audit_events WHERE action = 'guest.changed-outside' AND username = 'system'
                        AND object_name = 'test' AND outcome = 'INFO'""")
                .query(Long.class).single(), n -> n >= 2);
    }

    @Test
    void aDomainDefinedAndUndefinedOutsideAppearsAndDisappears() throws Exception {
        try (OutsideVirtdeck outside = new OutsideVirtdeck()) {
            outside.define("outsider", "aaaaaaaa-0000-4000-8000-000000000001");
            await().atMost(EVENT_DEADLINE).until(() -> state("outsider"), "SHUTOFF"::equals);
            outside.undefine("outsider");
            await().atMost(EVENT_DEADLINE).until(() -> count("outsider"), n -> n == 0);
        }
    }

    @Test
    void theReconcileRepairsRowsThatDriftedFromLibvirt() {
        // a row libvirt does not know, and a wrong state: as if events were lost while Virtdeck was away
        jdbc.sql("""
                        INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib)
                        VALUES (:host, 'bbbbbbbb-0000-4000-8000-000000000002', 'ghost', 'RUNNING', 1, 128)""")
                .param("host", host).update();
        jdbc.sql("UPDATE guests SET state = 'CRASHED' WHERE name = 'test' AND host_id = :host")
                .param("host", host).update();

        sync.reconcileAll().join();

        assertThat(count("ghost")).isZero();
        assertThat(state("test")).isEqualTo("RUNNING");
    }

    @Test
    void aReconcileThatFindsRowsMatchingReadsNoDomainAndTheFullOneRepairsWhatNoEventTold() {
        // a vCPU count no event told of (as after a change that emits no lifecycle event): the bulk summaries cannot
        // see it, so the cheap reconcile leaves the row as it is rather than read every domain's XML
        jdbc.sql("UPDATE guests SET vcpus = 99 WHERE name = 'test' AND host_id = :host").param("host", host).update();
        sync.checkHost(host);
        assertThat(vcpus("test")).isEqualTo(99);

        // what the summaries do see (here a state) has the domain read in full, everything in its row with it
        jdbc.sql("UPDATE guests SET state = 'CRASHED', vcpus = 99 WHERE name = 'test' AND host_id = :host")
                .param("host", host).update();
        sync.checkHost(host);
        assertThat(state("test")).isEqualTo("RUNNING");
        assertThat(vcpus("test")).isNotEqualTo(99);

        jdbc.sql("UPDATE guests SET vcpus = 99 WHERE name = 'test' AND host_id = :host").param("host", host).update();
        sync.syncHost(host); // what every tenth reconcile does
        assertThat(vcpus("test")).isNotEqualTo(99);
    }

    private int vcpus(String name) {
        return jdbc.sql("SELECT vcpus FROM guests WHERE host_id = :host AND name = :name")
                .param("host", host).param("name", name).query(Integer.class).single();
    }

    private String state(String name) {
        return jdbc.sql("SELECT state FROM guests WHERE host_id = :host AND name = :name")
                .param("host", host).param("name", name).query(String.class).optional().orElse(null);
    }

    private long count(String name) {
        return jdbc.sql("SELECT count(*) FROM guests WHERE host_id = :host AND name = :name")
                .param("host", host).param("name", name).query(Long.class).single();
    }
}
