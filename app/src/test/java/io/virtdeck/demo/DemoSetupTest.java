package io.virtdeck.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.virtdeck.support.TestDatabaseInitializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** VIRTDECK_DEMO=simulated: three test-driver hosts with 8-15 guests each, and a user for every role. */
@SpringBootTest(properties = {"virtdeck.demo.mode=simulated", "virtdeck.demo.password=demo-pw",
        "virtdeck.admin-password=admin-pw"})
@AutoConfigureMockMvc
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
class DemoSetupTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    MockMvc mvc;
    @Autowired
    Environment environment;

    @Test
    void threeSimulatedHostsWithTheirGuestsAreManaged() {
        List<Map<String, Object>> hosts = await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("""
                        SELECT h.name, h.state, h.cpus, h.memory_mib, count(g.id) AS guests,
                               count(DISTINCT g.state) AS states
                        FROM hosts h LEFT JOIN guests g ON g.host_id = h.id GROUP BY h.id ORDER BY h.name""")
                .query().listOfRows(), rows -> rows.size() == 3
                && rows.stream().allMatch(r -> "CONNECTED".equals(r.get("state")) && (Long) r.get("guests") >= 8));

        for (Map<String, Object> host : hosts) {
            assertThat(((String) host.get("name"))).startsWith("sim-");
            assertThat((Long) host.get("guests")).isBetween(8L, 15L);
            assertThat((Long) host.get("states")).as("mixed states on " + host.get("name")).isGreaterThan(1L);
        }
        assertThat(hosts.stream().map(h -> h.get("cpus")).distinct()).hasSize(3);
        assertThat(hosts.stream().map(h -> h.get("memory_mib")).distinct()).hasSize(3);
    }

    @Test
    void demoUsersLogInWithTheDemoPasswordAndHaveTheirRoles() throws Exception {
        mvc.perform(get("/api/v1/guests").with(httpBasic("helpdesk", "demo-pw"))).andExpect(status().isOk());
        mvc.perform(post("/api/v1/guests/1/actions/start").with(httpBasic("helpdesk", "demo-pw")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/hosts").with(httpBasic("viewer", "demo-pw"))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/audit").with(httpBasic("operator", "demo-pw"))).andExpect(status().isOk());
    }

    @Test
    void theDemoListensOnLoopbackOnly() {
        assertThat(environment.getProperty("server.address")).isEqualTo("127.0.0.1");
    }
}
