package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.virtdeck.ThreadPools;
import io.virtdeck.core.HypervisorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A host taken over a moment ago (a lease regained when the database is back) has a connection still opening: a call
 * then waits for that opening instead of being refused with "no connection (connecting)", which once failed a
 * migration that had in fact succeeded.
 */
class HostConnectionOpeningTest {

    private final HypervisorProperties properties = new HypervisorProperties(Duration.ofSeconds(10), 5, 3,
            Duration.ofSeconds(1), Duration.ofSeconds(60), 4);
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final ThreadPoolTaskExecutor calls = new ThreadPools().libvirtCalls();

    @AfterEach
    void stopThreads() {
        scheduler.shutdownNow();
        calls.shutdown();
    }

    private HostConnection connection(String uri) {
        calls.initialize();
        return new HostConnection(1, uri, () -> HostCredentials.NONE, properties,
                new HostThreads(scheduler, calls.getThreadPoolExecutor()), change -> { }, (domain, event) -> 0);
    }

    @Test
    void aCallRightAfterTheStartWaitsForTheOpening() {
        for (int attempt = 0; attempt < 20; attempt++) {
            HostConnection host = connection("test:///default");
            try {
                host.start();
                int domains = host.call(connect -> connect.listAllDomains(0).length);
                assertThat(domains).as("attempt %d", attempt).isPositive();
            } finally {
                host.close();
            }
        }
    }

    @Test
    void aConnectionThatFailedToOpenRefusesAtOnceWithoutWaitingAgain() {
        HostConnection host = connection("test:///nowhere/such-file.xml");
        try {
            host.start();
            assertThatThrownBy(() -> host.call(connect -> connect.listAllDomains(0).length))
                    .isInstanceOf(HypervisorException.class);
            assertThat(host.state()).isEqualTo(ConnectionState.UNREACHABLE);
            long before = System.nanoTime();
            assertThatThrownBy(() -> host.call(connect -> connect.listAllDomains(0).length))
                    .hasMessageContaining("no connection (unreachable)");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(1));
        } finally {
            host.close();
        }
    }
}
