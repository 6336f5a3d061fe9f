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
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Containers in the guest inventory: the kind field, the kind filter of the list (API and page). */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestKindTest {

    @Autowired
    MockMvc mvc;

    Api api;
    long host;

    @BeforeAll
    void hostWithAContainer() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("kinds", TestHosts.containerHost());
        api.guestId(host, "kind-ct");
        api.guestId(host, "kind-vm");
    }

    @Test
    void theListSaysWhichIsAContainerAndFiltersByKind() throws Exception {
        String all = api.getJson("/api/v1/guests?sort=name&host=" + host);
        assertThat(JsonPath.<List<String>>read(all, "$.items[*].name")).containsExactly("kind-ct", "kind-vm");
        assertThat(JsonPath.<List<String>>read(all, "$.items[*].kind")).containsExactly("CONTAINER", "VM");
        assertThat(names("kind=CONTAINER&host=" + host)).containsExactly("kind-ct");
        assertThat(names("kind=VM&host=" + host)).containsExactly("kind-vm");
        assertThat(names("kind=CONTAINER&state=SHUTOFF&host=" + host)).isEmpty();
    }

    @Test
    void oneGuestCarriesItsKind() throws Exception {
        String container = api.getJson("/api/v1/guests/" + api.guestId(host, "kind-ct"));
        assertThat(JsonPath.<String>read(container, "$.kind")).isEqualTo("CONTAINER");
        assertThat(JsonPath.<String>read(container, "$.osType")).isEqualTo("exe");
        String vm = api.getJson("/api/v1/guests/" + api.guestId(host, "kind-vm"));
        assertThat(JsonPath.<String>read(vm, "$.kind")).isEqualTo("VM");
    }

    @Test
    void anUnknownKindIs400NamingTheField() throws Exception {
        mvc.perform(api.get("/api/v1/guests?kind=BOX")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("kind"));
    }

    @Test
    void thePageHasAKindColumnAndFilter() throws Exception {
        String page = mvc.perform(get("/guests?kind=CONTAINER&host=" + host).with(user("admin").roles("ADMIN")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<th scope=\"col\">Kind</th>")
                .contains("<option value=\"CONTAINER\" selected=\"selected\">Containers</option>")
                .contains("kind-ct").doesNotContain("kind-vm")
                .contains("<td class=\"nowrap guest-kind\">Container</td>");
        assertThat(page).as("the list's links keep the filter").contains("kind=CONTAINER&amp;sort=");
    }

    private List<String> names(String query) throws Exception {
        return JsonPath.read(api.getJson("/api/v1/guests?" + query), "$.items[*].name");
    }
}
