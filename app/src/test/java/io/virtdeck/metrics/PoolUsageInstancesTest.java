package io.virtdeck.metrics;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.support.Instances;
import io.virtdeck.support.TestHosts;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pool figures with several instances: each instance asks libvirt only about the hosts it monitors, and every
 * instance's capacity dashboard shows the pools of all hosts.
 */
class PoolUsageInstancesTest {

    private static final int HOSTS = 4;
    // no periodic reads during the test: figures come from connections, then from the refreshes the test calls
    private static final String NO_PERIODIC_READS = "--virtdeck.metrics.pools-interval=1h";

    @Test
    void eachInstanceReadsTheHostsItMonitorsAndEveryInstanceShowsThemAll() throws Exception {
        try (Instances instances = new Instances(Duration.ofMillis(500), Duration.ofSeconds(2))) {
            ConfigurableApplicationContext first = instances.start(NO_PERIODIC_READS);
            List<Long> hostIds = new ArrayList<>();
            for (int n = 1; n <= HOSTS; n++) {
                hostIds.add(Instances.registerHost(first, "pools-" + n, TestHosts.smallHost()));
            }
            ConfigurableApplicationContext second = instances.start(NO_PERIODIC_READS);
            ConnectionGateway secondGateway = second.getBean(ConnectionGateway.class);
            ConnectionGateway firstGateway = first.getBean(ConnectionGateway.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> hostIds.stream().filter(id -> firstGateway.monitoring(id)
                    || secondGateway.monitoring(id)).count() + "/" + secondGateway.monitoredHosts().size(),
                    seen -> seen.equals(HOSTS + "/" + HOSTS / 2));
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            // read at each host's connection, by whichever instance connected it
            await().atMost(Duration.ofSeconds(10)).until(() -> hostsWithPools(jdbc), hosts -> hosts.size() == HOSTS);

            jdbc.sql("DELETE FROM pool_usage").update();
            second.getBean(PoolUsage.class).refresh();
            assertThat(hostsWithPools(jdbc)).as("the second instance read its own hosts only")
                    .isEqualTo(secondGateway.monitoredHosts());

            long hostOfTheSecond = secondGateway.monitoredHosts().iterator().next();
            HttpResponse<String> capacity = Instances.send(first,
                    HttpRequest.newBuilder(Instances.uri(first, "/api/v1/dashboard/capacity")));
            assertThat(capacity.statusCode()).as(capacity.body()).isEqualTo(200);
            List<String> pools = JsonPath.read(capacity.body(),
                    "$.hosts[?(@.id == " + hostOfTheSecond + ")].pools[*].name");
            assertThat(pools).as("the first instance shows a pool it did not read").containsExactly("default");
        }
    }

    private static Set<Long> hostsWithPools(JdbcClient jdbc) {
        return new HashSet<>(jdbc.sql("SELECT DISTINCT host_id FROM pool_usage").query(Long.class).list());
    }
}
