package io.virtdeck.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.virtdeck.support.TestDatabaseInitializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** VIRTDECK_DEMO_HOSTS=3, VIRTDECK_DEMO_GUESTS_PER_HOST=5: the demo fleet at the size asked for ("show me big"). */
@SpringBootTest(properties = {"virtdeck.demo.mode=simulated", "virtdeck.demo.password=demo-pw",
        "virtdeck.admin-password=admin-pw", "virtdeck.demo.hosts=3", "virtdeck.demo.guests-per-host=5"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class DemoFleetSizeTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void threeHostsOfFiveGuestsEachAreRegisteredWithMixedStates() {
        List<Map<String, Object>> hosts = await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        SELECT h.name, h.state, count(g.id) AS guests,
                               count(*) FILTER (WHERE g.state = 'RUNNING') AS running,
                               count(*) FILTER (WHERE g.state = 'PAUSED') AS paused,
                               count(*) FILTER (WHERE g.state = 'SHUTOFF') AS shutoff
                        FROM hosts h LEFT JOIN guests g ON g.host_id = h.id GROUP BY h.id ORDER BY h.name""")
                .query().listOfRows(), rows -> rows.size() == 3
                && rows.stream().allMatch(r -> "CONNECTED".equals(r.get("state")) && (Long) r.get("guests") == 5));

        assertThat(hosts).extracting(h -> h.get("name")).containsExactly("sim-alpha", "sim-bravo", "sim-charlie");
        for (Map<String, Object> host : hosts) {
            assertThat((Long) host.get("running")).as("running on " + host.get("name")).isGreaterThanOrEqualTo(3);
            assertThat((Long) host.get("paused")).as("paused on " + host.get("name")).isEqualTo(1);
            assertThat((Long) host.get("shutoff")).as("shut off on " + host.get("name")).isEqualTo(1);
        }
        assertThat(jdbc.sql("SELECT count(DISTINCT uuid) FROM guests").query(Long.class).single()).isEqualTo(15);
        assertThat(jdbc.sql("SELECT count(DISTINCT name) FROM guests").query(Long.class).single()).isEqualTo(15);
    }
}
