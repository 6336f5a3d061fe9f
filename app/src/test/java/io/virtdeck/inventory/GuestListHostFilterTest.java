package io.virtdeck.inventory;

import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * The guest list's host filter past {@code virtdeck.host-filter-choices} hosts (here 1, as 100 would be at a
 * fleet's size): a field for a host's name instead of a list of every host, matched whatever its case, its guests
 * listed and the host kept by id in the page's links; a name no visible host has lists nothing. (Within the limit
 * the filter is a list: BrowserTest picks a host from it.)
 */
@VirtdeckIntegrationTest
@TestPropertySource(properties = "virtdeck.host-filter-choices=1")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestListHostFilterTest {

    @Autowired
    MockMvc mvc;

    long first;

    @BeforeAll
    void twoHosts() throws Exception {
        Api api = new Api(mvc);
        first = api.registerHost("Filter-A", TestHosts.smallHost());
        long second = api.registerHost("filter-b", TestHosts.smallHost());
        api.guestId(first, "alpha-web");
        api.guestId(second, "alpha-web");
    }

    @Test
    void pastTheLimitTheFilterAsksForAHostsNameAndFindsItsGuests() throws Exception {
        String all = page("/guests");
        assertThat(all).contains("name=\"hostName\"").doesNotContain("<select id=\"filter-host\"")
                .doesNotContain("<option value=\"" + first + "\"").contains("6 guests");

        String byName = page("/guests?hostName=filter-a");
        assertThat(byName).contains("3 guests").contains("value=\"Filter-A\"")
                .contains("href=\"/guests?host=" + first + "&amp;sort=");
        assertThat(byName.split("<td>filter-b</td>", -1)).as("no guest of the other host").hasSize(1);

        assertThat(page("/guests?host=" + first)).as("a link's host id shows its name").contains("value=\"Filter-A\"");

        String unknown = page("/guests?hostName=nowhere");
        assertThat(unknown).contains("No guest matches these filters.").contains("value=\"nowhere\"");
    }

    private String page(String path) throws Exception {
        return mvc.perform(get(path).with(user("admin").roles("ADMIN"))).andReturn().getResponse()
                .getContentAsString();
    }
}
