package io.virtdeck.inventory;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Filtering, sorting and paging of GET /api/v1/guests, done in SQL, and its refusals of bad parameters. */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestListApiTest {

    @Autowired
    MockMvc mvc;

    Api api;
    long first;
    long second;

    @BeforeAll
    void twoHosts() throws Exception {
        api = new Api(mvc);
        first = api.registerHost("list-a", TestHosts.smallHost());
        second = api.registerHost("list-b", TestHosts.smallHost());
        api.guestId(first, "gamma-build");
        api.guestId(second, "gamma-build");
    }

    @Test
    void filtersByHostStateAndName() throws Exception {
        assertThat(names("host=" + first + "&sort=name")).containsExactly("alpha-web", "beta-db", "gamma-build");
        assertThat(names("host=" + second + "&state=PAUSED")).containsExactly("beta-db");
        assertThat(names("host=" + first + "&q=GAMMA")).containsExactly("gamma-build");
        assertThat(names("host=" + first + "&q=11111111-1111-4111-8111-111111111111")).containsExactly("alpha-web");
        // LIKE wildcards in the search are taken literally
        assertThat(names("host=" + first + "&q=%25")).isEmpty();
        assertThat(names("host=" + first + "&q=_")).isEmpty();
    }

    @Test
    void oneGuestCarriesItsDevicesSnapshotCountAndLimits() throws Exception {
        long web = api.guestId(first, "alpha-web");
        String guest = api.getJson("/api/v1/guests/" + web);
        assertThat(JsonPath.<String>read(guest, "$.name")).isEqualTo("alpha-web");
        assertThat(JsonPath.<String>read(guest, "$.disks[0].target")).isEqualTo("vda");
        assertThat(JsonPath.<String>read(guest, "$.nics[0].mac")).isEqualTo("52:54:00:00:00:01");
        assertThat(JsonPath.<String>read(guest, "$.graphics[0].type")).isEqualTo("vnc");
        assertThat(JsonPath.<Boolean>read(guest, "$.autostart")).isFalse();
        assertThat(JsonPath.<Integer>read(guest, "$.snapshotCount")).isZero();
        assertThat(JsonPath.<Object>read(guest, "$.limits.cpuShares")).isNull();
        assertThat(JsonPath.<java.util.List<?>>read(guest, "$.limits.disks")).isEmpty();
    }

    @Test
    void sortsAndPagesWithATotal() throws Exception {
        String page0 = api.getJson("/api/v1/guests?q=a&sort=memory,desc&size=2&page=0&host=" + first);
        assertThat(JsonPath.<Integer>read(page0, "$.total")).isEqualTo(3);
        assertThat(JsonPath.<List<String>>read(page0, "$.items[*].name")).containsExactly("beta-db", "alpha-web");
        String page1 = api.getJson("/api/v1/guests?q=a&sort=memory,desc&size=2&page=1&host=" + first);
        assertThat(JsonPath.<List<String>>read(page1, "$.items[*].name")).containsExactly("gamma-build");
        assertThat(names("host=" + first + "&sort=-vcpus")).containsExactly("beta-db", "alpha-web", "gamma-build");
        String both = api.getJson("/api/v1/guests?q=beta-db&sort=host");
        // other test classes share this database: look only at this class's hosts, in the order returned
        assertThat(JsonPath.<List<String>>read(both, "$.items[*].hostName").stream()
                .filter(name -> name.startsWith("list-"))).containsExactly("list-a", "list-b");
        assertThat(JsonPath.<java.util.Map<String, Object>>read(both, "$.items[0]"))
                .containsKeys("id", "name", "uuid", "hostId", "state", "vcpus", "memoryMiB");
    }

    @Test
    void badParametersAre400NamingTheField() throws Exception {
        expect400("state=SLEEPING", "state");
        expect400("sort=password", "sort");
        expect400("size=0", "size");
        expect400("size=100000", "size");
        expect400("page=-1", "page");
        expect400("host=abc", "host");
        expect400("q=" + "x".repeat(129), "q");
        expect400("after=not-a-cursor", "after");
        expect400("after=a.b.c.%21%21", "after"); // four parts, not Base64
        String next = JsonPath.read(api.getJson("/api/v1/guests?size=1&sort=memory"), "$.next");
        expect400("sort=memory,desc&after=" + next, "after"); // given out for another sort
        expect400("sort=memory&page=1&after=" + next, "after");
        String[] parts = next.split("\\.");
        String notANumber = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("many".getBytes());
        expect400("sort=memory&after=" + String.join(".", parts[0], notANumber, parts[2], parts[3]), "after");
    }

    private void expect400(String query, String field) throws Exception {
        mvc.perform(api.get("/api/v1/guests?" + query)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value(field))
                .andExpect(jsonPath("$.message").isNotEmpty());
    }

    private List<String> names(String query) throws Exception {
        return JsonPath.read(api.getJson("/api/v1/guests?" + query), "$.items[*].name");
    }
}
