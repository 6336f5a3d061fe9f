package io.virtdeck.inventory;

import io.virtdeck.core.Visible;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The hosts list at a glance: CPU and memory use from each host's latest metrics sample of the last minutes, and its
 * guests counted by state (small-host: one running, one paused, one shut off; 8 CPUs, 16 GiB).
 */
@VirtdeckIntegrationTest
class HostGlanceTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    HostRepository hosts;

    @Test
    void eachHostShowsItsLatestLoadAndItsGuestsByState() throws Exception {
        Api api = new Api(mvc);
        long busy = api.registerHost("glance-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(busy, "gamma-build"); // synced
        long quiet = api.registerHost("glance-quiet-" + System.nanoTime(), TestHosts.smallHost());
        api.guestId(quiet, "gamma-build");
        sample(busy, "now() - interval '1 hour'", 8.0, 16_000); // too old to be its load now
        sample(busy, "now() + interval '1 minute'", 2.0, 8192); // the latest: 2 of 8 cores, half its memory
        sample(quiet, "now() - interval '1 hour'", 8.0, 16_000);

        HostGlance glance = hosts.glances(Visible.EVERYTHING).get(busy);
        assertThat(glance).isEqualTo(new HostGlance(busy, 25, 50, 1, 1, 1, 0));
        assertThat(hosts.glances(Visible.EVERYTHING).get(quiet)).as("no recent sample: no bars")
                .isEqualTo(new HostGlance(quiet, null, null, 1, 1, 1, 0));

        String page = mvc.perform(get("/hosts").with(user("glance-viewer").roles("VIEWER"))).andReturn()
                .getResponse().getContentAsString();
        String row = page.substring(page.indexOf("id=\"host-" + busy + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("value=\"25\"", "25 %", "value=\"50\"", "50 %", "1 running", "1 paused",
                "1 shut off", "state=PAUSED");
        String quietRow = page.substring(page.indexOf("id=\"host-" + quiet + "\""));
        assertThat(quietRow.substring(0, quietRow.indexOf("</tr>"))).doesNotContain("<meter");
    }

    private void sample(long host, String at, double coresBusy, double memoryMiB) {
        jdbc.sql("INSERT INTO metrics_10s (object_kind, object_id, at, cpu, memory_mib) VALUES ('H', :id, " + at
                + ", :cpu, :mem)").param("id", host).param("cpu", coresBusy).param("mem", memoryMiB).update();
    }
}
