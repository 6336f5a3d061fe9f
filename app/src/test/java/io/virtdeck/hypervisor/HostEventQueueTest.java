package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.virtdeck.ThreadPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Hosts' lifecycle events share the event threads, but a host stuck handling one holds up its own events only. */
class HostEventQueueTest {

    private final ThreadPoolTaskExecutor threads = new ThreadPools().libvirtEvents(); // as Virtdeck's own

    HostEventQueueTest() {
        threads.initialize();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdown();
    }

    @Test
    void aHostStuckInAnEventDelaysOnlyItsOwnLaterEventsAndEveryHostsStayInOrder() throws Exception {
        HostEventQueue stalled = new HostEventQueue(1, threads);
        HostEventQueue healthy = new HostEventQueue(2, threads);
        CountDownLatch libvirtdAnswers = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();

        stalled.execute(() -> {
            handled.add("stalled 0");
            try {
                libvirtdAnswers.await(10, TimeUnit.SECONDS); // a call to a host whose libvirtd stopped answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stalled.execute(() -> handled.add("stalled 1"));
        IntStream.range(0, 200).forEach(n -> healthy.execute(() -> handled.add("healthy " + n)));

        List<String> healthyInOrder = IntStream.range(0, 200).mapToObj(n -> "healthy " + n).toList();
        await().atMost(Duration.ofSeconds(2)).until(
                () -> handled.stream().filter(h -> h.startsWith("healthy")).toList(), healthyInOrder::equals);
        assertThat(handled).contains("stalled 0").doesNotContain("stalled 1");

        libvirtdAnswers.countDown();
        await().atMost(Duration.ofSeconds(2)).until(() -> handled.contains("stalled 1"));
        assertThat(handled.indexOf("stalled 0")).isLessThan(handled.indexOf("stalled 1"));
    }

    @Test
    void anEventThatFailsDoesNotStopTheHostsNextOnes() {
        HostEventQueue queue = new HostEventQueue(3, threads);
        List<String> handled = new CopyOnWriteArrayList<>();

        queue.execute(() -> {
            throw new IllegalStateException("the domain vanished");
        });
        queue.execute(() -> handled.add("next"));

        await().atMost(Duration.ofSeconds(2)).until(() -> handled.equals(List.of("next")));
    }
}
