package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.virtdeck.ThreadPools;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** At fleet size the threads that carry libvirt calls are shared: they follow the calls in flight, not the hosts. */
class CallThreadsTest {

    private static final int HOSTS = 100;

    @Test
    void aHundredConnectedHostsShareAFewCallThreads() {
        HypervisorProperties properties = new HypervisorProperties(Duration.ofSeconds(10), 5, 3,
                Duration.ofSeconds(1), Duration.ofSeconds(60), 4);
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        ThreadPoolTaskExecutor calls = new ThreadPools().libvirtCalls(); // as Virtdeck's own
        calls.setThreadNamePrefix("counted-libvirt-call-"); // told apart from other contexts' pools in this JVM
        calls.initialize();
        List<HostConnection> hosts = new ArrayList<>();
        try {
            for (int i = 0; i < HOSTS; i++) {
                HostConnection host = new HostConnection(i, "test:///default", () -> HostCredentials.NONE,
                        properties, new HostThreads(scheduler, calls.getThreadPoolExecutor()), change -> { },
                        (domain, event) -> 0);
                hosts.add(host);
                host.start();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> hosts.stream()
                    .filter(h -> h.state() == ConnectionState.CONNECTED).count(), n -> n == HOSTS);
            for (HostConnection host : hosts) {
                int domains = host.call(connect -> connect.listAllDomains(0).length);
                assertThat(domains).isPositive();
            }

            // a pool per host kept two to four threads for each (opening, configuring, calls): 200 and more here
            long callThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("counted-libvirt-call-"))
                    .count();
            assertThat(callThreads).isLessThan(HOSTS / 10);
        } finally {
            hosts.forEach(HostConnection::close);
            scheduler.shutdownNow();
            calls.shutdown();
        }
    }
}
