package io.virtdeck.ha;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.virtdeck.support.AdminApi;
import io.virtdeck.support.Instances;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.TestLibvirtDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances on one database, each watching the hosts whose leases it holds: a lost host's HA guest is restarted
 * once, by one of them, with one task and one audit entry.
 */
class HaTwoInstancesTest {

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    private final Instances instances = new Instances(Duration.ofMillis(500), Duration.ofSeconds(2));

    @AfterEach
    void stopInstances() {
        instances.close();
    }

    @Test
    void aLostHostsHaGuestIsRestartedOnce() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        String[] ha = {"--virtdeck.ha.grace=2s", "--virtdeck.ha.retry=1s"};
        ConfigurableApplicationContext a = instances.start(ha);
        ConfigurableApplicationContext b = instances.start(ha);
        AdminApi api = new AdminApi(Instances.port(a));
        long lost = api.hostIdOrRegister("ha-lost", DAEMON.uri());
        api.hostIdOrRegister("ha-survivor-1", TestHosts.smallHost());
        api.hostIdOrRegister("ha-survivor-2", TestHosts.smallHost());
        long guest = api.guestIdOn(lost, "test");
        JdbcClient jdbc = a.getBean(JdbcClient.class);
        await("the hosts' leases shared by both").atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "SELECT count(DISTINCT owner_id) FROM host_leases").query(Long.class).single() == 2);
        HttpResponse<String> on = Instances.send(b, HttpRequest.newBuilder(Instances.uri(b, "/api/v1/guests/" + guest
                + "/ha")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true}")));
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);

        DAEMON.stop();
        await("the restart").atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "SELECT count(*) FROM ha_restarts WHERE state = 'RUNNING'").query(Long.class).single() == 1);
        Thread.sleep(3_000); // both instances keep watching: several rounds of each

        assertThat(jdbc.sql("SELECT count(*) FROM ha_restarts").query(Long.class).single()).isOne();
        assertThat(jdbc.sql("SELECT count(*) FROM tasks WHERE type = 'guest.ha.restart'").query(Long.class).single())
                .isOne();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.ha.restart'")
                .query(Long.class).single()).isOne();
        // (where it runs is HaRestartTest's: a test-driver host file is a world of its own per connection, so an
        // instance's calls and the other's monitoring of one survivor see different worlds)
    }
}
