package io.virtdeck.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.support.Api;
import io.virtdeck.support.EventStream;
import io.virtdeck.support.Instances;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.WebSession;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskRepository;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static io.virtdeck.support.Instances.port;
import static io.virtdeck.support.Instances.send;
import static io.virtdeck.support.Instances.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Virtdeck instances in one JVM on one database (README: Several instances): the hosts are shared out, each
 * monitored by exactly one instance at every moment; a stopped instance's hosts are taken over; a change one instance
 * sees reaches the other's pages; an action through one is not taken for an outside change by the other; a task asked
 * for through both runs once.
 */
class SeveralInstancesTest {

    private static final Duration RENEWAL = Duration.ofMillis(500);
    private static final Duration EXPIRY = Duration.ofSeconds(2);
    private static final int HOSTS = 4;

    private final Instances instances = new Instances(RENEWAL, EXPIRY);

    @AfterEach
    void stopInstances() {
        instances.close();
    }

    @Test
    void productionDefaultsHandAStoppedInstancesHostsOverWithin30Seconds() {
        LeaseProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("virtdeck.instances", LeaseProperties.class);

        assertThat(defaults.longestTakeover()).isLessThan(Duration.ofSeconds(30));
        // monitoring stops here a whole renewal before the lease could pass to another instance
        assertThat(defaults.trustedFor()).isLessThan(defaults.leaseExpiry());
    }

    @Test
    void hostsAreSharedMonitoredOnceChangesReachEveryInstanceAndAStoppedInstancesHostsAreTakenOver()
            throws Exception {
        ConfigurableApplicationContext first = instances.start();
        List<Long> hostIds = new ArrayList<>();
        for (int n = 1; n <= HOSTS; n++) {
            hostIds.add(Instances.registerHost(first, "shared-" + n, TestHosts.smallHost()));
        }
        ConfigurableApplicationContext second = instances.start();
        ConnectionGateway firstGateway = first.getBean(ConnectionGateway.class);
        ConnectionGateway secondGateway = second.getBean(ConnectionGateway.class);

        Overlaps overlaps = new Overlaps(firstGateway, secondGateway);
        overlaps.start();
        try {
            // the second instance gets its even share: the first hands half its hosts over
            await().atMost(Duration.ofSeconds(15)).until(() -> List.of(firstGateway.monitoredHosts().size(),
                    secondGateway.monitoredHosts().size()), sizes -> sizes.equals(List.of(HOSTS / 2, HOSTS / 2)));
            Set<Long> all = new HashSet<>(firstGateway.monitoredHosts());
            all.addAll(secondGateway.monitoredHosts());
            assertThat(all).containsExactlyInAnyOrderElementsOf(hostIds);

            aChangeSeenByTheFirstReachesAPageOfTheSecond(first, second, firstGateway.monitoredHosts());
            anActionThroughOneIsKnownAsVirtdecksToTheOther(first, second,
                    firstGateway.monitoredHosts().iterator().next());
            aHostTheOtherMonitorsIsReachedForCallsWithoutMonitoringIt(first, second,
                    firstGateway.monitoredHosts().iterator().next());
            aTaskAskedForThroughBothRunsOnce(first, second);
            aCancelThroughTheOtherInstanceStopsWorkThatOnlyItsAbortStops(first, second);
            aLeaseTakenAwayStopsMonitoringAtOnce(second, secondGateway);

            long stoppedAt = System.nanoTime();
            first.close();
            await().atMost(Duration.ofSeconds(30)).until(secondGateway::monitoredHosts,
                    monitored -> monitored.containsAll(hostIds));
            Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
            assertThat(takeover).isLessThan(Duration.ofSeconds(30));
            System.out.printf("[SeveralInstancesTest] a cleanly stopping instance's hosts taken over %d ms after "
                    + "its stop began%n", takeover.toMillis());
            // every host connected again under the instance that took it
            await().atMost(Duration.ofSeconds(15)).until(
                    () -> hostIds.stream().filter(secondGateway::monitoring).count(), connected -> connected == HOSTS);
            aRenewalThatFailsStopsMonitoringAtOnce(second, secondGateway, hostIds);
        } finally {
            overlaps.stop();
        }
        System.out.printf("[SeveralInstancesTest] %d samples of both instances' monitored hosts, %d overlaps%n",
                overlaps.samples.get(), overlaps.seen.size());
        assertThat(overlaps.samples.get()).isGreaterThan(100);
        assertThat(overlaps.seen).as("hosts monitored by both instances at once").isEmpty();
    }

    private void aChangeSeenByTheFirstReachesAPageOfTheSecond(ConfigurableApplicationContext first,
                                                              ConfigurableApplicationContext second,
                                                              Set<Long> hostsOfTheFirst) throws Exception {
        JdbcClient jdbc = first.getBean(JdbcClient.class);
        long hostId = hostsOfTheFirst.iterator().next();
        long guestId = await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.sql(
                "SELECT id FROM guests WHERE host_id = :host AND name = 'alpha-web' AND state = 'RUNNING'")
                .param("host", hostId).query(Long.class).optional(), java.util.Optional::isPresent).orElseThrow();
        try (EventStream events = EventStream.open(port(second))) {
            HttpResponse<String> suspended = send(first, HttpRequest.newBuilder(uri(first,
                    "/api/v1/guests/" + guestId + "/actions/suspend")).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);

            assertThat(events.next("guest", "\"id\":" + guestId, Duration.ofSeconds(10)))
                    .contains("\"removed\":false");
        }
    }

    /** Calls on another instance's host go through a connection of their own; monitoring stays with the other. */
    private static void aHostTheOtherMonitorsIsReachedForCallsWithoutMonitoringIt(
            ConfigurableApplicationContext first, ConfigurableApplicationContext second, long hostOfTheFirst) {
        ConnectionGateway secondGateway = second.getBean(ConnectionGateway.class);
        UUID uuid = first.getBean(JdbcClient.class).sql("SELECT uuid FROM guests WHERE host_id = :host AND name = "
                + "'gamma-build'").param("host", hostOfTheFirst).query(UUID.class).single();

        assertThat(secondGateway.state(hostOfTheFirst)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(second.getBean(DomainGateway.class).domain(hostOfTheFirst, uuid).name()).isEqualTo("gamma-build");
        assertThat(secondGateway.monitoredHosts()).doesNotContain(hostOfTheFirst);
        assertThat(secondGateway.monitoring(hostOfTheFirst)).isFalse();
    }

    /** An instance acting on a guest whose host another monitors: the monitor knows the events are Virtdeck's. */
    private static void anActionThroughOneIsKnownAsVirtdecksToTheOther(ConfigurableApplicationContext first,
                                                                       ConfigurableApplicationContext second,
                                                                       long hostOfTheFirst) {
        UUID uuid = UUID.randomUUID();
        ExpectedGuestChanges monitor = first.getBean(ExpectedGuestChanges.class);
        assertThat(monitor.isExpected(hostOfTheFirst, uuid)).isFalse();

        second.getBean(ExpectedGuestChanges.class).expect(hostOfTheFirst, uuid);

        assertThat(monitor.isExpected(hostOfTheFirst, uuid)).isTrue();
    }

    private static void aTaskAskedForThroughBothRunsOnce(ConfigurableApplicationContext first,
                                                         ConfigurableApplicationContext second) throws Exception {
        AuditObject object = new AuditObject("guest", "shared-object", "shared-object");
        CountDownLatch both = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> askers = new ArrayList<>();
        for (ConfigurableApplicationContext instance : List.of(first, second)) {
            askers.add(started(() -> {
                both.countDown();
                try {
                    both.await();
                    instance.getBean(TaskService.class).submit(AuditAction.GUEST_CLONE, object, false, progress -> {
                        ran.incrementAndGet();
                        finish.await(10, TimeUnit.SECONDS);
                        return "done";
                    });
                } catch (VirtdeckException e) {
                    refused.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread asker : askers) {
            asker.join();
        }
        await().atMost(Duration.ofSeconds(5)).until(ran::get, count -> count >= 1);
        finish.countDown();
        assertThat(ran.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(1);
    }

    /**
     * Work that stops only when its abort runs (as a migration's libvirt job does), started on the first instance and
     * cancelled through the second: it ends CANCELLED within 2 s.
     */
    private static void aCancelThroughTheOtherInstanceStopsWorkThatOnlyItsAbortStops(
            ConfigurableApplicationContext first, ConfigurableApplicationContext second) throws Exception {
        CountDownLatch aborted = new CountDownLatch(1);
        Task task = first.getBean(TaskService.class).submit(AuditAction.GUEST_MIGRATE,
                new AuditObject("guest", "cancelled-elsewhere", "cancelled-elsewhere"), true, progress -> {
                    progress.onCancel(aborted::countDown);
                    if (!aborted.await(20, TimeUnit.SECONDS)) {
                        return "never aborted";
                    }
                    throw new TaskCancelledException("aborted");
                });
        TaskRepository tasks = second.getBean(TaskRepository.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> tasks.findById(task.id()).orElseThrow().state(),
                Task.State.RUNNING::equals);

        long asked = System.nanoTime();
        HttpResponse<String> cancel = Instances.send(second, HttpRequest.newBuilder(
                Instances.uri(second, "/api/v1/tasks/" + task.id() + "/cancel")).POST(BodyPublishers.noBody()));
        assertThat(cancel.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(2)).until(() -> tasks.findById(task.id()).orElseThrow().state(),
                Task.State.CANCELLED::equals);
        System.out.printf("[SeveralInstancesTest] a cancel through the other instance stopped the work in %d ms%n",
                Duration.ofNanos(System.nanoTime() - asked).toMillis());
    }

    /** A lease another instance took (as after a pause longer than its expiry) is no longer monitored here. */
    private static void aLeaseTakenAwayStopsMonitoringAtOnce(ConfigurableApplicationContext second,
                                                             ConnectionGateway secondGateway) {
        long hostId = secondGateway.monitoredHosts().iterator().next();
        UUID stranger = UUID.randomUUID();
        second.getBean(JdbcClient.class).sql("UPDATE host_leases SET owner_id = :stranger WHERE host_id = :host")
                .param("stranger", stranger).param("host", hostId).update();

        await().atMost(Duration.ofSeconds(3)).until(() -> secondGateway.monitoredHosts().contains(hostId),
                monitored -> !monitored);
        // the stranger never renews: the lease expires and an instance takes the host again
        await().atMost(Duration.ofSeconds(10)).until(() -> second.getBean(JdbcClient.class)
                .sql("SELECT owner_id FROM host_leases WHERE host_id = :host").param("host", hostId)
                .query(UUID.class).optional(), owner -> owner.isPresent() && !owner.get().equals(stranger));
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work, "asker");
        thread.start();
        return thread;
    }

    /** The leases cannot be renewed (as when the database is out of reach): monitoring stops before they expire. */
    private static void aRenewalThatFailsStopsMonitoringAtOnce(ConfigurableApplicationContext instance,
                                                               ConnectionGateway gateway, List<Long> hostIds) {
        JdbcClient jdbc = instance.getBean(JdbcClient.class);
        jdbc.sql("ALTER TABLE host_leases RENAME TO host_leases_away").update();
        try {
            long failedAt = System.nanoTime();
            await().atMost(EXPIRY).until(gateway::monitoredHosts, Set::isEmpty);
            assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isLessThan(EXPIRY);
        } finally {
            jdbc.sql("ALTER TABLE host_leases_away RENAME TO host_leases").update();
        }
        await().atMost(Duration.ofSeconds(10)).until(gateway::monitoredHosts, held -> held.containsAll(hostIds));
    }

    /** Samples both instances' monitored hosts as fast as it can, recording any host found in both. */
    private static final class Overlaps {

        final AtomicInteger samples = new AtomicInteger();
        final List<Long> seen = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread sampler;

        Overlaps(ConnectionGateway first, ConnectionGateway second) {
            sampler = new Thread(() -> {
                while (running.get()) {
                    Set<Long> both = new HashSet<>(first.monitoredHosts());
                    both.retainAll(second.monitoredHosts());
                    seen.addAll(both);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "overlap-sampler");
        }

        void start() {
            sampler.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            sampler.join();
        }
    }

}
