package io.virtdeck.tag;

import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.UserAccountRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.FakeVncServer;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/**
 * Tags on guests and hosts through the service and the API, on the test driver: who may set them, the list's tag
 * filter and search, the tags in use, refusals of malformed tags (nothing changed), tags surviving a reconcile, and a
 * help-desk group's grant on '/tags/customer-a' following the tag: guests tagged after the grant are opened, others
 * stay unseen.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagsTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TagService tags;
    @Autowired
    UserAccountRepository users;
    @Autowired
    InventorySync sync;
    @Autowired
    JdbcClient jdbc;

    Api api;
    FakeVncServer display;
    long consoleHost;
    long consoleVm;
    long consoleOff;
    long smallHost;
    long alphaWeb;
    long betaDb;
    long gammaBuild;

    @BeforeAll
    void hosts() throws Exception {
        api = new Api(mvc);
        display = new FakeVncServer(FakeVncServer.Mode.ECHO);
        consoleHost = api.registerHost("tags-console", TestHosts.consoleHost(display.port()));
        consoleVm = api.guestId(consoleHost, "console-vm");
        consoleOff = api.guestId(consoleHost, "console-off");
        smallHost = api.registerHost("tags-small", TestHosts.smallHost());
        alphaWeb = api.guestId(smallHost, "alpha-web");
        betaDb = api.guestId(smallHost, "beta-db");
        gammaBuild = api.guestId(smallHost, "gamma-build");
    }

    @AfterAll
    void closeDisplay() throws Exception {
        display.close();
    }

    @AfterEach
    void noLogin() {
        SecurityContextHolder.clearContext();
    }

    private static void loginAs(String name, String... roles) {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken(name, null,
                java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList()));
    }

    private MockHttpServletResponse as(String name, MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(user(name).authorities(List.of()))).andReturn().getResponse();
    }

    private MockHttpServletResponse admin(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    private static String body(MockHttpServletResponse response) throws Exception {
        return response.getContentAsString();
    }

    @Test
    void adminsAndOperatorsTagGuestsAndHostsHelpDeskAndViewersOnlyReadThem() {
        for (String role : List.of("ADMIN", "OPERATOR")) {
            loginAs("t-" + role.toLowerCase(), role);
            assertThat(tags.addToGuest(gammaBuild, List.of("by-" + role.toLowerCase(), "role-test")))
                    .contains("by-" + role.toLowerCase(), "role-test");
            assertThat(tags.addToHost(smallHost, List.of("rack:" + role.toLowerCase())))
                    .contains("rack:" + role.toLowerCase());
            assertThat(tags.removeFromGuest(gammaBuild, List.of("by-" + role.toLowerCase())))
                    .doesNotContain("by-" + role.toLowerCase()).contains("role-test");
        }
        for (String role : List.of("HELPDESK", "VIEWER")) {
            loginAs("t-" + role.toLowerCase(), role);
            assertThatThrownBy(() -> tags.addToGuest(gammaBuild, List.of("nope"))).as(role)
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> tags.setOnGuest(gammaBuild, List.of())).as(role)
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> tags.removeFromGuest(gammaBuild, List.of("role-test"))).as(role)
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> tags.addToHost(smallHost, List.of("nope"))).as(role)
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(tags.inUse()).as(role).extracting(TagUse::tag).contains("role-test");
        }
        assertThat(jdbc.sql("SELECT tags FROM guests WHERE id = :id").param("id", gammaBuild)
                .query((rs, n) -> List.of((String[]) rs.getArray(1).getArray())).single())
                .contains("role-test").doesNotContain("nope");
        assertThat(Api.audited(jdbc, "guest.tags", "gamma-build")).isGreaterThanOrEqualTo(4); // refusals too
    }

    @Test
    void anOperatorGrantedOneHostTagsItsGuestsOnlyAndOthersAreHiddenAsMissing() throws Exception {
        users.createIfAbsent("t-host-operator", "{noop}unused", null);
        assertThat(admin(api.post("/api/v1/grants", "{\"user\":\"t-host-operator\",\"path\":\"/hosts/" + smallHost
                + "\",\"role\":\"OPERATOR\"}")).getStatus()).isEqualTo(201);
        loginAs("t-host-operator");
        assertThat(tags.addToGuest(betaDb, List.of("granted-host"))).contains("granted-host");
        assertThatThrownBy(() -> tags.addToGuest(consoleOff, List.of("granted-host")))
                .isInstanceOf(VirtdeckException.class).hasMessage("There is no guest with id " + consoleOff + ".");
    }

    @Test
    void aHelpDeskGroupGrantedATagOpensTheGuestsTaggedLaterAndNoOthers() throws Exception {
        users.createIfAbsent("t-desk-anna", "{noop}unused", null); // no role on '/': only what grants give
        String group = body(admin(api.post("/api/v1/groups", "{\"name\":\"desk-customer-a\"}")));
        long groupId = ((Number) JsonPath.read(group, "$.id")).longValue();
        assertThat(admin(api.put("/api/v1/groups/" + groupId + "/members/t-desk-anna", "")).getStatus())
                .isEqualTo(200);
        // granted before anything carries the tag
        MockHttpServletResponse grant = admin(api.post("/api/v1/grants",
                "{\"group\":\"desk-customer-a\",\"path\":\"/tags/customer-a\",\"role\":\"HELPDESK\"}"));
        assertThat(grant.getStatus()).as(body(grant)).isEqualTo(201);
        assertThat(JsonPath.<String>read(body(grant), "$.path")).isEqualTo("/tags/customer-a");

        assertThat(JsonPath.<Integer>read(body(as("t-desk-anna", get("/api/v1/guests"))), "$.total")).isZero();
        assertThat(as("t-desk-anna", get("/api/v1/guests/" + consoleVm)).getStatus()).isEqualTo(404);
        assertThat(as("t-desk-anna", post("/api/v1/guests/" + consoleVm + "/console")).getStatus()).isEqualTo(404);

        assertThat(admin(api.post("/api/v1/guests/" + consoleVm + "/tags", "{\"tags\":[\"customer-a\"]}"))
                .getStatus()).isEqualTo(200);

        String list = body(as("t-desk-anna", get("/api/v1/guests")));
        assertThat(JsonPath.<List<String>>read(list, "$.items[*].name")).containsExactly("console-vm");
        assertThat(as("t-desk-anna", get("/api/v1/guests/" + consoleVm)).getStatus()).isEqualTo(200);
        MockHttpServletResponse ticket = as("t-desk-anna", post("/api/v1/guests/" + consoleVm + "/console"));
        assertThat(ticket.getStatus()).as(body(ticket)).isEqualTo(200);
        assertThat(JsonPath.<String>read(body(ticket), "$.ticket")).isNotBlank();
        // the same host's other guest, and the help desk's own limits on the tagged one
        assertThat(as("t-desk-anna", get("/api/v1/guests/" + consoleOff)).getStatus()).isEqualTo(404);
        assertThat(as("t-desk-anna", post("/api/v1/guests/" + consoleOff + "/console")).getStatus()).isEqualTo(404);
        assertThat(as("t-desk-anna", put("/api/v1/guests/" + consoleVm + "/tags")
                .contentType(MediaType.APPLICATION_JSON).content("{\"tags\":[]}")).getStatus()).isEqualTo(403);
        assertThat(as("t-desk-anna", post("/api/v1/guests/" + consoleVm + "/actions/poweroff")).getStatus())
                .isEqualTo(403);
        // the guest page and the list page show it, with its chip
        String page = body(as("t-desk-anna", get("/guests")));
        assertThat(page).contains("console-vm").contains("customer-a").doesNotContain("console-off");

        // a host carrying the tag: its guests too, as a grant on the host
        assertThat(admin(api.post("/api/v1/hosts/" + smallHost + "/tags", "{\"tags\":[\"customer-a\"]}"))
                .getStatus()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(body(as("t-desk-anna", get("/api/v1/guests"))), "$.items[*].name"))
                .containsExactlyInAnyOrder("console-vm", "alpha-web", "beta-db", "gamma-build");
        assertThat(admin(api.delete("/api/v1/hosts/" + smallHost + "/tags/customer-a")).getStatus()).isEqualTo(200);

        // untagged: gone again
        assertThat(admin(api.delete("/api/v1/guests/" + consoleVm + "/tags/customer-a")).getStatus())
                .isEqualTo(200);
        assertThat(as("t-desk-anna", get("/api/v1/guests/" + consoleVm)).getStatus()).isEqualTo(404);
        assertThat(JsonPath.<Integer>read(body(as("t-desk-anna", get("/api/v1/guests"))), "$.total")).isZero();
    }

    @Test
    void theListFiltersByEveryTagGivenAndTheSearchBoxFindsAWholeTag() throws Exception {
        admin(api.put("/api/v1/guests/" + alphaWeb + "/tags", "{\"tags\":[\"team-a\",\"env:prod\"]}"));
        admin(api.put("/api/v1/guests/" + betaDb + "/tags", "{\"tags\":[\"env:prod\",\"granted-host\"]}"));
        String both = body(admin(api.get("/api/v1/guests?tag=env:prod&host=" + smallHost)));
        assertThat(JsonPath.<List<String>>read(both, "$.items[*].name")).containsExactly("alpha-web", "beta-db");
        String all = body(admin(api.get("/api/v1/guests?tag=env:prod&tag=team-a")));
        assertThat(JsonPath.<List<String>>read(all, "$.items[*].name")).containsExactly("alpha-web");
        assertThat(JsonPath.<List<String>>read(all, "$.items[0].tags")).containsExactly("env:prod", "team-a");
        String searched = body(admin(api.get("/api/v1/guests?q=TEAM-A")));
        assertThat(JsonPath.<List<String>>read(searched, "$.items[*].name")).containsExactly("alpha-web");
        assertThat(JsonPath.<List<String>>read(body(admin(api.get("/api/v1/guests/" + alphaWeb))), "$.tags"))
                .containsExactly("env:prod", "team-a");

        String inUse = body(admin(api.get("/api/v1/tags")));
        assertThat(JsonPath.<List<Integer>>read(inUse, "$[?(@.tag == 'env:prod')].guests")).containsExactly(2);
        assertThat(JsonPath.<List<Integer>>read(inUse, "$[?(@.tag == 'team-a')].guests")).containsExactly(1);

        admin(api.put("/api/v1/hosts/" + consoleHost + "/tags", "{\"tags\":[\"site:lab\"]}"));
        assertThat(JsonPath.<List<String>>read(body(admin(api.get("/api/v1/hosts?tag=site:lab"))), "$[*].name"))
                .containsExactly("tags-console");
        assertThat(JsonPath.<List<String>>read(body(admin(api.get("/api/v1/hosts/" + consoleHost))), "$.tags"))
                .containsExactly("site:lab");
        assertThat(JsonPath.<List<Integer>>read(body(admin(api.get("/api/v1/tags"))),
                "$[?(@.tag == 'site:lab')].hosts")).containsExactly(1);

        // the page: chips that link to the list filtered by them, and the filter shown
        String page = body(admin(get("/guests").param("tag", "team-a").with(user("admin").roles("ADMIN"))));
        assertThat(page).contains("alpha-web").doesNotContain(">beta-db<").contains("Tagged with all of:")
                .contains("href=\"/guests?tag=team-a&amp;tag=env:prod\"");
        // a row fetched alone (a live update) links its chips to the list filtered by each
        String row = body(admin(get("/guests/" + alphaWeb + "/row").with(user("admin").roles("ADMIN"))));
        assertThat(row).contains("href=\"/guests?tag=env:prod\"").contains("href=\"/guests?tag=team-a\"");
    }

    @Test
    void malformedTagsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        admin(api.put("/api/v1/guests/" + consoleOff + "/tags", "{\"tags\":[\"keep\",\"keep\",\"also\"]}"));
        List<String> bad = List.of("\"Env\"", "\"a:b:c\"", "\"-x\"", "\"a b\"", "\"\"", "\"" + "x".repeat(65) + "\"",
                "\"key:\"", "null");
        for (String tag : bad) {
            for (String method : List.of("PUT", "POST")) {
                String json = "{\"tags\":[\"fine\"," + tag + "]}";
                MockHttpServletResponse refused = admin(method.equals("PUT")
                        ? api.put("/api/v1/guests/" + consoleOff + "/tags", json)
                        : api.post("/api/v1/guests/" + consoleOff + "/tags", json));
                assertThat(refused.getStatus()).as(method + " " + tag).isEqualTo(400);
                assertThat(JsonPath.<String>read(body(refused), "$.field")).isEqualTo("tags");
                assertThat(JsonPath.<String>read(body(refused), "$.message")).contains("lower-case");
            }
        }
        assertThat(JsonPath.<String>read(body(admin(api.put("/api/v1/guests/" + consoleOff + "/tags", "{}"))),
                "$.field")).isEqualTo("tags");
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= Tags.MAX_PER_OBJECT; i++) {
            many.add("\"t" + i + "\"");
        }
        MockHttpServletResponse tooMany = admin(api.put("/api/v1/guests/" + consoleOff + "/tags",
                "{\"tags\":[" + String.join(",", many) + "]}"));
        assertThat(tooMany.getStatus()).isEqualTo(400);
        assertThat(JsonPath.<String>read(body(tooMany), "$.field")).isEqualTo("tags");
        MockHttpServletResponse tooManyAdded = admin(api.post("/api/v1/guests/" + consoleOff + "/tags",
                "{\"tags\":[" + String.join(",", many.subList(0, Tags.MAX_PER_OBJECT - 1)) + "]}"));
        assertThat(tooManyAdded.getStatus()).as(body(tooManyAdded)).isEqualTo(400);
        assertThat(admin(api.delete("/api/v1/guests/" + consoleOff + "/tags/Keep")).getStatus()).isEqualTo(400);
        MockHttpServletResponse badFilter = admin(api.get("/api/v1/guests?tag=Env:Prod"));
        assertThat(badFilter.getStatus()).isEqualTo(400);
        assertThat(JsonPath.<String>read(body(badFilter), "$.field")).isEqualTo("tag");
        MockHttpServletResponse badGrant = admin(api.post("/api/v1/grants",
                "{\"user\":\"admin\",\"path\":\"/tags/Customer A\",\"role\":\"VIEWER\"}"));
        assertThat(badGrant.getStatus()).isEqualTo(400);
        assertThat(JsonPath.<String>read(body(badGrant), "$.field")).isEqualTo("path");
        assertThat(admin(api.put("/api/v1/guests/999999/tags", "{\"tags\":[]}")).getStatus()).isEqualTo(404);

        // nothing of the refused requests reached the guest: sorted, once each
        assertThat(JsonPath.<List<String>>read(body(admin(api.get("/api/v1/guests/" + consoleOff))), "$.tags"))
                .containsExactly("also", "keep");
    }

    @Test
    void tagsAreVirtdecksOwnAndSurviveTheGuestChangingAndAReconcile() throws Exception {
        loginAs("t-admin", "ADMIN");
        tags.setOnGuest(gammaBuild, List.of("survives", "role-test"));
        SecurityContextHolder.clearContext();
        String started = body(admin(api.post("/api/v1/guests/" + gammaBuild + "/actions/start", "")));
        sync.syncHost(smallHost);
        String guest = body(admin(api.get("/api/v1/guests/" + gammaBuild)));
        assertThat(JsonPath.<String>read(guest, "$.state")).as(started).isEqualTo("RUNNING");
        assertThat(JsonPath.<List<String>>read(guest, "$.tags")).contains("survives");
    }
}
