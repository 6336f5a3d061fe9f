package io.virtdeck.ha;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.TestLibvirtDaemon;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A host whose libvirtd dies (a real libvirtd serving the test driver, killed) is declared lost after the grace, and
 * its HA guest is defined and started on the host placement picks, as a task, with an audit entry saying when.
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.ha.grace=2s", "virtdeck.ha.retry=1s"})
class HaRestartTest {

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aLostHostsHaGuestRunsOnAnotherHost() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        Api api = new Api(mvc);
        long lost = api.connectedHost("ha-lost", DAEMON.uri());
        long survivor = api.connectedHost("ha-survivor", TestHosts.smallHost());
        long guest = api.guestId(lost, "test");
        mvc.perform(put("/api/v1/guests/" + guest + "/ha").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true,\"priority\":10}"))
                .andExpect(status().isOk());

        long killed = System.nanoTime();
        DAEMON.stop();
        String restart = await("the restart elsewhere").atMost(Duration.ofSeconds(30))
                .until(() -> api.getJson("/api/v1/guests/" + guest + "/ha"),
                        body -> JsonPath.<java.util.List<String>>read(body, "$.restarts[?(@.state == 'RUNNING')].state")
                                .size() == 1);
        System.out.printf("[HaRestartTest] killed -> running on the other host in %d ms%n",
                (System.nanoTime() - killed) / 1_000_000);

        assertThat(JsonPath.<java.util.List<String>>read(restart, "$.restarts[?(@.state == 'RUNNING')].toHost"))
                .containsExactly("ha-survivor");
        // the restart's start reaches the inventory through the survivor's events, a moment after the restart's row
        await("the inventory").atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                        "SELECT state FROM guests WHERE host_id = :host AND name = 'test'").param("host", survivor)
                .query(String.class).optional(), state -> state.filter("RUNNING"::equals).isPresent());
        long task = JsonPath.<java.util.List<Number>>read(restart, "$.restarts[?(@.state == 'RUNNING')].taskId").get(0)
                .longValue();
        assertThat(api.taskWhenDone(task, Duration.ofSeconds(10))).contains("\"state\":\"SUCCEEDED\"")
                .containsPattern("Restarted 'test' on host 'ha-survivor', \\d+ s after host 'ha-lost' stopped"
                        + " answering \\(declared lost after 2 s\\)\\.");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'guest.ha.restart' AND outcome ="
                + " 'SUCCESS' AND object_name = 'test'").query(Long.class).single()).isOne();
    }
}
