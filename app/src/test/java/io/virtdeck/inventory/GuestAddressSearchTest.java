package io.virtdeck.inventory;

import java.time.Instant;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The addresses guest agents reported, as the inventory keeps them (V30): the guest list shows a guest's first one and
 * its search finds the guest by an address or its beginning; a guest that stops is no longer found by its old address.
 * libvirt's test driver has no guest agents: the answers are recorded as the sampler records a real agent's.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestAddressSearchTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    GuestAgentAnswers answers;
    @Autowired
    GuestAgentSampler sampler;

    Api api;
    long host;
    long web;
    long db;

    @BeforeAll
    void hostWithTwoAnsweringGuests() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("addresses", TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        db = api.guestId(host, "beta-db");
        answers.record(web, webAnswer());
        answers.record(db, answering("db-1", new GuestAgentFacts.Nic("eth0", "52:54:00:00:00:02", List.of(
                new GuestAgentFacts.Address("10.77.0.3", 24, "ipv4")))));
    }

    private static GuestAgentFacts webAnswer() {
        return answering("web-1", new GuestAgentFacts.Nic("enp1s0", "52:54:00:00:00:01", List.of(
                new GuestAgentFacts.Address("10.77.0.21", 24, "ipv4"),
                new GuestAgentFacts.Address("fd00:77::21", 64, "ipv6"))));
    }

    private static GuestAgentFacts answering(String hostname, GuestAgentFacts.Nic nic) {
        return new GuestAgentFacts(GuestAgentFacts.State.ANSWERING, "7.2.0", hostname, "Debian GNU/Linux 12", "12",
                "6.1.0", List.of(nic), List.of(), Instant.now(), null);
    }

    @Test
    void theSearchFindsAGuestByAnAddressOrItsBeginning() throws Exception {
        assertThat(names("q=10.77.0.21")).containsExactly("alpha-web");
        assertThat(names("q=10.77.0.3")).containsExactly("beta-db");
        assertThat(names("q=10.77.0.&sort=name")).containsExactly("alpha-web", "beta-db");
        assertThat(names("q=FD00:77::21")).containsExactly("alpha-web");
        assertThat(names("q=10.77.1.")).isEmpty();
    }

    @Test
    void theListShowsEachGuestsFirstAddress() throws Exception {
        String page = api.getJson("/api/v1/guests?host=" + host + "&sort=name");
        assertThat(JsonPath.<List<String>>read(page, "$.items[*].name"))
                .containsExactly("alpha-web", "beta-db", "gamma-build");
        assertThat(JsonPath.<List<String>>read(page, "$.items[*].firstAddress"))
                .containsExactly("10.77.0.21", "10.77.0.3", null);
    }

    @Test
    void anAnswerReplacesTheLastOneAndASilenceKeepsIt() throws Exception {
        try {
            answers.record(web, answering("web-1", new GuestAgentFacts.Nic("enp1s0", "52:54:00:00:00:01", List.of(
                    new GuestAgentFacts.Address("10.77.0.22", 24, "ipv4")))));
            assertThat(names("q=10.77.0.21")).isEmpty();
            assertThat(names("q=10.77.0.22")).containsExactly("alpha-web");
            answers.record(web, GuestAgentFacts.without(GuestAgentFacts.State.NOT_ANSWERING, "silent"));
            assertThat(names("q=10.77.0.22")).containsExactly("alpha-web");
            assertThat(answers.lastAnswer(web)).isPresent();
        } finally {
            answers.record(web, webAnswer());
        }
    }

    @Test
    void aGuestThatDoesNotRunIsNoLongerFoundByItsAddress() throws Exception {
        long gamma = api.guestId(host, "gamma-build"); // shut off in small-host.xml
        answers.record(gamma, answering("gamma", new GuestAgentFacts.Nic("eth0", null, List.of(
                new GuestAgentFacts.Address("10.88.0.10", 24, "ipv4")))));
        sampler.sampleHost(host); // the test driver's guests have no agent channel: only the forgetting is left
        assertThat(names("q=10.88.0.10")).isEmpty();
        assertThat(names("q=10.77.0.21")).containsExactly("alpha-web");
        assertThat(names("q=10.77.0.3")).containsExactly("beta-db"); // paused: it keeps its addresses
    }

    @Test
    void aGuestWithoutAgentChannelSaysNotConfigured() throws Exception {
        String guest = api.getJson("/api/v1/guests/" + web);
        assertThat(JsonPath.<String>read(guest, "$.agent.state")).isEqualTo("NOT_CONFIGURED");
        // the fields of before stay
        assertThat(JsonPath.<String>read(guest, "$.name")).isEqualTo("alpha-web");
        assertThat(JsonPath.<Integer>read(guest, "$.snapshotCount")).isZero();
        String card = mvc.perform(get("/guests/" + web + "/agent").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(card).contains("Not configured").contains("org.qemu.guest_agent.0");
    }

    @Test
    void theListPageShowsTheAddressesAndFindsAGuestByOne() throws Exception {
        String page = mvc.perform(get("/guests").param("q", "10.77.0.3").with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("IP address").contains(">beta-db<").contains(">10.77.0.3<")
                .doesNotContain(">alpha-web<");
    }

    private List<String> names(String query) throws Exception {
        return JsonPath.read(api.getJson("/api/v1/guests?host=" + host + "&" + query), "$.items[*].name");
    }
}
