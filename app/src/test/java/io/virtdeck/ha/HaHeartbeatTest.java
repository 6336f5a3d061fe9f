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
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * With a heartbeat pool set, a host whose libvirtd dies (a real libvirtd serving the test driver, killed) is not
 * declared lost while its heartbeat cannot be read through another host, however long it stays silent: the HA state
 * says why, in words, and the administrator's confirmation is the way out. (A heartbeat that is read, fresh or stale,
 * needs file times, which the test driver's pools do not keep: HeartbeatsTest decides on given times, HaLabTest reads
 * real ones.)
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = {"virtdeck.ha.grace=2s", "virtdeck.ha.retry=1s", "virtdeck.ha.heartbeat-pool=default"})
class HaHeartbeatTest {

    @RegisterExtension
    static final TestLibvirtDaemon DAEMON = new TestLibvirtDaemon();

    @Autowired
    MockMvc mvc;

    @Test
    void aSilentHostWhoseHeartbeatCannotBeReadStaysUndeclaredUntilConfirmedDown() throws Exception {
        if (!DAEMON.isRunning()) {
            DAEMON.start();
        }
        Api api = new Api(mvc);
        long lost = api.connectedHost("hb-lost", DAEMON.uri());
        long survivor = api.connectedHost("hb-survivor", TestHosts.smallHost());
        long guest = api.guestId(lost, "test");
        mvc.perform(put("/api/v1/guests/" + guest + "/ha").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":true,\"priority\":10}"))
                .andExpect(status().isOk());

        DAEMON.stop();
        String silent = await("three times the grace").atMost(Duration.ofSeconds(30)).pollInterval(
                Duration.ofMillis(200)).until(() -> api.getJson("/api/v1/guests/" + guest + "/ha"), body -> JsonPath
                .read(body, "$.hostCheck") != null && secondsSilent(JsonPath.read(body, "$.hostCheck.reason")) >= 6);
        assertThat(JsonPath.<String>read(silent, "$.hostCheck.reason")).endsWith(", but its heartbeat on pool"
                + " 'default' cannot be read: host 'hb-survivor' has no file virtdeck-heartbeat-hb-lost there. It is"
                + " not declared lost: its guests may still run. If it is down, confirm it.");
        assertThat(JsonPath.<Boolean>read(silent, "$.hostCheck.declared")).isFalse();
        assertThat(JsonPath.<java.util.List<?>>read(silent, "$.restarts")).isEmpty();
        String overview = api.getJson("/api/v1/ha");
        assertThat(JsonPath.<String>read(overview, "$.hosts[0].host")).isEqualTo("hb-lost");
        assertThat(JsonPath.<String>read(overview, "$.hosts[0].reason")).contains("cannot be read");

        // a file there, but a pool that keeps no file times: still unreadable, and said so
        mvc.perform(api.post("/api/v1/hosts/" + survivor + "/pools/default/volumes",
                "{\"name\":\"virtdeck-heartbeat-hb-lost\",\"sizeMiB\":1,\"format\":\"raw\"}"))
                .andExpect(status().isCreated());
        await().atMost(Duration.ofSeconds(10)).until(() -> api.getJson("/api/v1/guests/" + guest + "/ha"),
                body -> JsonPath.<String>read(body, "$.hostCheck.reason").contains("keeps no modification times"));

        mvc.perform(api.post("/api/v1/hosts/" + lost + "/confirm-down", "")).andExpect(status().isNoContent());
        String restarted = await("the restart once confirmed").atMost(Duration.ofSeconds(30))
                .until(() -> api.getJson("/api/v1/guests/" + guest + "/ha"), body -> JsonPath
                        .<java.util.List<String>>read(body, "$.restarts[?(@.state == 'RUNNING')].state").size() == 1);
        assertThat(JsonPath.<String>read(restarted, "$.restarts[0].toHost")).isEqualTo("hb-survivor");
        assertThat(JsonPath.<Object>read(restarted, "$.hostCheck")).as("it runs on a host that answers").isNull();
        String confirmed = api.getJson("/api/v1/ha");
        assertThat(JsonPath.<String>read(confirmed, "$.hosts[0].reason"))
                .isEqualTo("Host 'hb-lost' was confirmed down by admin: declared lost.");
        assertThat(JsonPath.<String>read(confirmed, "$.hosts[0].confirmedBy")).isEqualTo("admin");
        assertThat(JsonPath.<Boolean>read(confirmed, "$.hosts[0].declared")).isTrue();
    }

    private static long secondsSilent(String reason) {
        java.util.regex.Matcher silent = java.util.regex.Pattern.compile("has not answered for (\\d+) s")
                .matcher(reason);
        return silent.find() ? Long.parseLong(silent.group(1)) : 0;
    }
}
