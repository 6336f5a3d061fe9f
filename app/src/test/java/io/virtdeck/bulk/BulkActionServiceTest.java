package io.virtdeck.bulk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.guest.snapshot.GuestSnapshotService;
import io.virtdeck.guest.snapshot.SnapshotTree;
import io.virtdeck.security.GrantRepository;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.core.Role;
import io.virtdeck.security.UserAccountRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bulk actions on three simulated hosts (libvirt's test driver), one guest at a time per host and two in all: what is
 * skipped (state, busy, not permitted) and why, cancel, and the limits as the children's own start and end times show.
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.bulk.max-parallel=2", "virtdeck.bulk.max-parallel-per-host=1"})
class BulkActionServiceTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BulkActionService bulk;
    @Autowired
    BulkLimits limits;
    @Autowired
    TaskService tasks;
    @Autowired
    TaskRepository taskRows;
    @Autowired
    GuestSnapshotService snapshots;
    @Autowired
    UserAccountRepository users;
    @Autowired
    GrantRepository grants;

    long hostA;
    long hostB;
    long hostC;

    @BeforeEach
    void threeHosts() throws Exception {
        Api api = new Api(mvc);
        String run = Long.toString(System.nanoTime());
        hostA = api.registerHost("bulk-a-" + run, TestHosts.smallHost());
        hostB = api.registerHost("bulk-b-" + run, TestHosts.smallHost());
        hostC = api.registerHost("bulk-c-" + run, TestHosts.smallHost());
        for (long host : List.of(hostA, hostB, hostC)) {
            api.guestId(host, "gamma-build");
        }
        signIn("admin", "ADMIN");
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void powersOffWhatFitsAndSkipsTheShutOffNamingWhy() {
        List<Long> all = new ArrayList<>();
        for (long host : List.of(hostA, hostB, hostC)) {
            all.addAll(ids(host));
        }
        BulkStarted started = bulk.start(new BulkRequest("poweroff", all, null, null, null, null));
        assertThat(started.selected()).isEqualTo(9);
        assertThat(started.toAct()).isEqualTo(6);
        assertThat(started.skipped()).isEqualTo(3);

        BulkResult result = ended(started);
        assertThat(result.task().state()).as(result.task().message()).isEqualTo(Task.State.SUCCEEDED);
        assertThat(result.succeeded()).isEqualTo(6);
        assertThat(result.failed()).isZero();
        assertThat(result.problems()).hasSize(3).allSatisfy(child -> {
            assertThat(child.guestName()).isEqualTo("gamma-build");
            assertThat(child.outcome()).isEqualTo("skipped");
            assertThat(child.reason()).isEqualTo("Skipped: it is shut off");
        });
        assertThat(jdbc.sql("SELECT count(*) FROM guests WHERE id = ANY(:ids) AND state = 'SHUTOFF'")
                .param("ids", all.toArray(new Long[0])).query(Long.class).single()).isEqualTo(9);
        // each guest's power-off is audited as from its own button, and the bulk action once
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.poweroff' AND outcome = 'SUCCESS'"
                        + " AND object_id = ANY(:ids)")
                .param("ids", all.stream().map(String::valueOf).toArray(String[]::new)).query(Long.class).single())
                .isEqualTo(6);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.bulk' AND object_id = :id")
                .param("id", result.task().objectId()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aGuestBusyWithAnotherTaskIsSkippedNamingThatTask() {
        long web = guest(hostA, "alpha-web");
        long blocker = taskRows.insertQueued("guest.clone", "admin", AuditObject.guest(web, "alpha-web"), false)
                .orElseThrow();
        try {
            BulkResult result = ended(bulk.start(new BulkRequest("suspend", null,
                    new BulkRequest.Filter(hostA, null, null), null, null, null)));
            assertThat(result.problems()).extracting(BulkResult.Child::guestName, BulkResult.Child::reason)
                    .contains(org.assertj.core.groups.Tuple.tuple("alpha-web", "Skipped: busy: task " + blocker
                            + " (guest.clone) is queued"));
            assertThat(state(web)).isEqualTo("RUNNING");
        } finally {
            tasks.close(blocker, Task.State.CANCELLED, "test over");
        }
    }

    @Test
    void guestsTheUserMayNotActOnAreSkippedAndNamedNeverActedOn() {
        String name = "bulk-op-" + System.nanoTime();
        users.createIfAbsent(name, "{noop}unused", null);
        grants.insert(grants.userId(name).orElseThrow(), null, ObjectRef.host(hostA), Role.OPERATOR, "test");
        signIn(name, "VIEWER"); // sees every guest, may act on host A's only
        long webA = guest(hostA, "alpha-web");
        long webB = guest(hostB, "alpha-web");

        BulkStarted started = bulk.start(new BulkRequest("reboot", List.of(webA, webB), null, null, null, null));
        BulkResult result = ended(started);

        assertThat(result.succeeded()).isEqualTo(1);
        assertThat(result.problems()).singleElement().satisfies(child -> {
            assertThat(child.guestId()).isEqualTo(Long.toString(webB));
            assertThat(child.reason()).startsWith("Skipped: you may not act on it");
        });
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE object_id = :id AND action = 'guest.reboot'")
                .param("id", Long.toString(webB)).query(Long.class).single()).isZero();
    }

    @Test
    void thoseWhoMayActOnNoGuestAreRefused() {
        signIn("bulk-viewer", "VIEWER");
        assertThatThrownBy(() -> bulk.start(new BulkRequest("start", List.of(guest(hostA, "gamma-build")), null,
                null, null, null))).isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
    }

    @Test
    void aCancelLetsTheRunningFinishAndSkipsThoseNotStarted() {
        // host B's only place is taken: its guests wait, host A's go on
        assertThat(limits.tryAcquire(hostB)).isTrue();
        BulkStarted started;
        try {
            started = bulk.start(new BulkRequest("poweroff", concat(ids(hostA), ids(hostB)), null, null, null,
                    null));
            long id = started.task().id();
            await().atMost(Duration.ofSeconds(20)).until(() -> bulk.result(id).succeeded() == 2);
            bulk.cancel(id);
        } finally {
            limits.release(hostB);
        }
        BulkResult result = ended(started);
        assertThat(result.task().state()).isEqualTo(Task.State.CANCELLED);
        assertThat(result.succeeded()).isEqualTo(2);
        assertThat(result.problems()).filteredOn(child -> child.reason().contains("cancelled"))
                .extracting(BulkResult.Child::guestName).containsExactlyInAnyOrder("alpha-web", "beta-db");
        assertThat(state(guest(hostB, "alpha-web"))).isEqualTo("RUNNING");
        assertThat(state(guest(hostB, "beta-db"))).isEqualTo("PAUSED");
    }

    @Test
    void noMoreRunAtOnceThanTheLimitsAllowInAllAndPerHost() {
        BulkResult result = ended(bulk.start(new BulkRequest("poweroff",
                concat(concat(ids(hostA), ids(hostB)), ids(hostC)), null, null, null, null)));
        assertThat(result.succeeded()).isEqualTo(6);
        // at the moment each child started, how many children (itself included) were running: in all, on its host
        List<Map<String, Object>> overlaps = jdbc.sql("""
                        SELECT c.id,
                               (SELECT count(*) FROM tasks d WHERE d.parent_id = c.parent_id
                                  AND d.started_at <= c.started_at AND d.finished_at > c.started_at) AS in_all,
                               (SELECT count(*) FROM tasks d JOIN guests gd ON gd.id = d.object_id::bigint
                                  WHERE d.parent_id = c.parent_id AND gd.host_id = gc.host_id
                                  AND d.started_at <= c.started_at AND d.finished_at > c.started_at) AS on_host
                        FROM tasks c JOIN guests gc ON gc.id = c.object_id::bigint
                        WHERE c.parent_id = :parent AND c.state = 'SUCCEEDED'""")
                .param("parent", result.task().id()).query().listOfRows();
        assertThat(overlaps).hasSize(6).allSatisfy(row -> {
            assertThat(((Number) row.get("on_host")).intValue()).isEqualTo(1);
            assertThat(((Number) row.get("in_all")).intValue()).isLessThanOrEqualTo(2);
        });
        // two did run side by side: the limit is what held the others back
        assertThat(overlaps).anySatisfy(row -> assertThat(((Number) row.get("in_all")).intValue()).isEqualTo(2));
    }

    @Test
    void snapshotsEachGuestUnderOneName() {
        BulkResult result = ended(bulk.start(new BulkRequest("snapshot", List.of(guest(hostC, "alpha-web"),
                guest(hostC, "beta-db")), null, "before-patch", null, null)));
        assertThat(result.task().state()).as(result.problems().toString()).isEqualTo(Task.State.SUCCEEDED);
        assertThat(snapshots.list(guest(hostC, "alpha-web")).roots()).extracting(SnapshotTree.Node::name).contains("before-patch");
        assertThat(snapshots.list(guest(hostC, "beta-db")).roots()).extracting(SnapshotTree.Node::name).contains("before-patch");
    }

    @Test
    void tagsEveryGuestWhateverItsStateAndActsOnAllATagFilterMatches() {
        String run = "run-" + System.nanoTime() % 1_000_000;
        BulkResult tagged = ended(bulk.start(new BulkRequest("tag", ids(hostB), null, null, null, null,
                List.of(run, "env:test"))));
        assertThat(tagged.task().state()).as(tagged.problems().toString()).isEqualTo(Task.State.SUCCEEDED);
        assertThat(tagged.succeeded()).isEqualTo(3); // running, paused and shut off alike
        assertThat(tags(guest(hostB, "gamma-build"))).contains(run, "env:test");

        // the list's tag filter chooses the guests: hostB's three, none of the other hosts'
        BulkStarted started = bulk.start(new BulkRequest("poweroff", null,
                new BulkRequest.Filter(null, null, null, List.of(run)), null, null, null));
        assertThat(started.selected()).isEqualTo(3);
        ended(started);
        assertThat(state(guest(hostB, "alpha-web"))).isEqualTo("SHUTOFF");
        assertThat(state(guest(hostA, "alpha-web"))).isEqualTo("RUNNING");

        assertThatThrownBy(() -> bulk.start(new BulkRequest("tag", ids(hostA), null, null, null, null, List.of())))
                .isInstanceOfSatisfying(VirtdeckException.class, e -> assertThat(e.field()).isEqualTo("tags"));
        assertThatThrownBy(() -> bulk.start(new BulkRequest("tag", ids(hostA), null, null, null, null,
                List.of("Not A Tag")))).isInstanceOfSatisfying(VirtdeckException.class,
                        e -> assertThat(e.field()).isEqualTo("tags"));
        assertThat(tags(guest(hostA, "alpha-web"))).doesNotContain(run);
    }

    @Test
    void aMigrationThatCannotBeDoneIsNamedWithWhyAndTheGuestStays() {
        long web = guest(hostA, "alpha-web");
        BulkResult result = ended(bulk.start(new BulkRequest("migrate", List.of(web), null, null, hostB, null)));
        assertThat(result.succeeded()).isZero();
        assertThat(result.problems()).singleElement().satisfies(child -> {
            assertThat(child.guestName()).isEqualTo("alpha-web");
            assertThat(child.reason()).isNotBlank();
        });
        assertThat(jdbc.sql("SELECT host_id FROM guests WHERE id = :id").param("id", web).query(Long.class).single())
                .isEqualTo(hostA);
    }

    private BulkResult ended(BulkStarted started) {
        long id = started.task().id();
        return await().atMost(Duration.ofSeconds(30)).until(() -> bulk.result(id),
                result -> result.task().state().finished());
    }

    private List<Long> ids(long host) {
        return jdbc.sql("SELECT id FROM guests WHERE host_id = :host ORDER BY name").param("host", host)
                .query(Long.class).list();
    }

    private long guest(long host, String name) {
        return jdbc.sql("SELECT id FROM guests WHERE host_id = :host AND name = :name").param("host", host)
                .param("name", name).query(Long.class).single();
    }

    private List<String> tags(long guest) {
        return jdbc.sql("SELECT unnest(tags) FROM guests WHERE id = :id").param("id", guest).query(String.class).list();
    }

    private String state(long guest) {
        return jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", guest).query(String.class).single();
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }

    private static void signIn(String name, String role) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name,
                null, List.of(new SimpleGrantedAuthority("ROLE_" + role))));
    }
}
