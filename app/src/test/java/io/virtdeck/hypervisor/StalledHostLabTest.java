package io.virtdeck.hypervisor;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.AdminApi;
import io.virtdeck.support.EventStream;
import io.virtdeck.support.Lab;
import io.virtdeck.support.UsesLab;
import io.virtdeck.support.VirtdeckServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * lab2's libvirtd stops answering ({@code kill -STOP}) just as Virtdeck handles an event of a lab2 guest, so that
 * handling waits on lab2 for the call timeout. Meanwhile lab1 lives on: a guest paused there outside Virtdeck reaches
 * the inventory and a page's event stream within a second, and the guest list answers as before; a request that needs
 * lab2 answers within its timeout, naming lab2. After {@code kill -CONT}, lab2 is connected again within 10 s.
 */
@VirtdeckServerTest
@UsesLab
class StalledHostLabTest {

    private static final String GUEST_ON_LAB2 = "stall-probe";

    @LocalServerPort
    int port;
    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aStalledHostHoldsUpNothingButItselfAndIsBackWithoutARestart() throws Exception {
        AdminApi api = new AdminApi(port);
        long lab1 = api.hostIdOrRegister("lab1", Lab.LAB1);
        long lab2 = api.hostIdOrRegister("lab2", Lab.LAB2);
        Lab.tiny1BackOnLab1();
        if (!Lab.virsh(Lab.LAB1, "domstate", "tiny1").trim().equals("running")) {
            Lab.virsh(Lab.LAB1, "start", "tiny1");
        }
        long tiny1 = api.guestIdOn(lab1, "tiny1");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(tiny1), "RUNNING"::equals);
        Duration listBefore = median(api, 5);

        Lab.virsh(Lab.LAB2, "undefine", GUEST_ON_LAB2); // what an earlier run may have left (virsh's error ignored)
        long libvirtd = Lab.libvirtdPid("lab2");
        AtomicBoolean armed = new AtomicBoolean(true);
        // the fault, at the worst moment: as the event reaches Virtdeck, before its handling reads the guest on lab2
        context.addApplicationListener(new StopOnFirstEvent(lab2, libvirtd, armed));
        CompletableFuture<Void> defined = null;
        try (EventStream page = EventStream.open(port)) {
            // on a thread of its own: virsh, a client of lab2 too, may be left waiting on it until kill -CONT
            defined = CompletableFuture.runAsync(() -> Lab.defineDiskOnlyGuest(Lab.LAB2, GUEST_ON_LAB2, "images",
                    GUEST_ON_LAB2 + ".qcow2"));
            await("lab2's libvirtd stopped as its event arrived").atMost(Duration.ofSeconds(10))
                    .until(() -> !armed.get());

            // a change on lab1 made outside Virtdeck
            long paused = System.nanoTime();
            Lab.virsh(Lab.LAB1, "suspend", "tiny1");
            await("tiny1 paused in the inventory").atMost(Duration.ofSeconds(1)).until(() -> state(tiny1),
                    "PAUSED"::equals);
            page.next("guest", "\"id\":" + tiny1, Duration.ofSeconds(1));
            long reached = (System.nanoTime() - paused) / 1_000_000;

            Duration listDuring = median(api, 5);

            long asked = System.nanoTime();
            HttpResponse<String> pools = CompletableFuture.supplyAsync(() -> call(api, "/api/v1/hosts/" + lab2
                    + "/pools")).get();
            Duration answered = Duration.ofNanos(System.nanoTime() - asked);

            System.out.printf("[lab] lab2 stopped: a lab1 change reached the inventory and a page in %d ms; the guest"
                            + " list answered in %d ms (before: %d ms); a request needing lab2 answered %d in %d ms:"
                            + " %s%n", reached, listDuring.toMillis(), listBefore.toMillis(), pools.statusCode(),
                    answered.toMillis(), pools.body());
            assertThat(listDuring).isLessThan(listBefore.multipliedBy(3).plusMillis(200));
            assertThat(pools.statusCode()).isEqualTo(409);
            assertThat(JsonPath.<String>read(pools.body(), "$.message")).contains("'lab2'");
            assertThat(answered).isLessThan(Duration.ofSeconds(12)); // the call timeout (10 s) and little more
        } finally {
            Lab.signal(libvirtd, "CONT");
            Lab.virsh(Lab.LAB1, "resume", "tiny1");
            if (defined != null) {
                defined.join();
            }
        }
        long resumed = System.nanoTime();
        await("lab2 connected again").atMost(Duration.ofSeconds(10)).until(
                () -> JsonPath.<String>read(api.get("/api/v1/hosts/" + lab2), "$.state"), "CONNECTED"::equals);
        System.out.printf("[lab] lab2 connected again %d ms after kill -CONT%n",
                (System.nanoTime() - resumed) / 1_000_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "SELECT count(*) FROM guests WHERE host_id = :host AND name = :name").param("host", lab2)
                .param("name", GUEST_ON_LAB2).query(Long.class).single() == 1);
        Lab.virsh(Lab.LAB2, "undefine", GUEST_ON_LAB2);
    }

    /** Stops a libvirtd at the first lifecycle event of its host, before any other listener sees the event. */
    private record StopOnFirstEvent(long hostId, long libvirtd, AtomicBoolean armed)
            implements ApplicationListener<PayloadApplicationEvent<?>>, Ordered {

        @Override
        public void onApplicationEvent(PayloadApplicationEvent<?> published) {
            if (published.getPayload() instanceof DomainLifecycleEvent event && event.hostId() == hostId
                    && armed.compareAndSet(true, false)) {
                Lab.signal(libvirtd, "STOP");
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    private String state(long guestId) {
        return jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", guestId).query(String.class).single();
    }

    private static HttpResponse<String> call(AdminApi api, String path) {
        try {
            return api.call("GET", path, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The guest list's median answer time over {@code times} requests. */
    private static Duration median(AdminApi api, int times) throws Exception {
        List<Duration> took = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long started = System.nanoTime();
            assertThat(api.call("GET", "/api/v1/guests?size=50", null).statusCode()).isEqualTo(200);
            took.add(Duration.ofNanos(System.nanoTime() - started));
        }
        took.sort(Comparator.naturalOrder());
        return took.get(times / 2);
    }
}
