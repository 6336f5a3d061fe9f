package io.virtdeck.security;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import io.virtdeck.web.VirtdeckException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

/** Grants seen from the people who hold them: what lists show, what a read-only grant can never do, the admin API. */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantsTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    UserAccountRepository users;
    @Autowired
    GrantRepository grants;
    @Autowired
    Permissions permissions;
    @Autowired
    JdbcClient jdbc;

    Api api;
    long host;
    long otherHost;
    long guest;
    long sameNameElsewhere;

    @BeforeAll
    void twoHosts() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("grants-a", TestHosts.smallHost());
        otherHost = api.registerHost("grants-b", TestHosts.smallHost());
        guest = api.guestId(host, "alpha-web");
        sameNameElsewhere = api.guestId(otherHost, "alpha-web");
    }

    @AfterEach
    void noLogin() {
        SecurityContextHolder.clearContext();
    }

    private long userWith(String name, Role role, ObjectRef... objects) {
        users.createIfAbsent(name, "{noop}unused", null);
        long id = grants.userId(name).orElseThrow();
        for (ObjectRef object : objects) {
            grants.insert(id, null, object, role, "test");
        }
        return id;
    }

    private static RequestPostProcessor as(String name) {
        return user(name).authorities(List.of());
    }

    private static RequestPostProcessor admin() {
        return httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD);
    }

    private MockHttpServletResponse call(String name, String path) throws Exception {
        return mvc.perform(get(path).with(as(name))).andReturn().getResponse();
    }

    @Test
    void readOnlyGrantsNeverPassAnActionThatChangesAnythingWhereverTheyAreGranted() {
        // both read-only roles on every scope at once: the most a read-only user can hold
        userWith("ro-everywhere", Role.VIEWER, ObjectRef.root(), ObjectRef.host(host), ObjectRef.guest(guest));
        long id = grants.userId("ro-everywhere").orElseThrow();
        for (ObjectRef object : List.of(ObjectRef.root(), ObjectRef.host(host), ObjectRef.guest(guest))) {
            grants.insert(id, null, object, Role.HELPDESK, "test");
        }
        SecurityContextHolder.getContext().setAuthentication(
                new UsernamePasswordAuthenticationToken("ro-everywhere", null, List.of()));
        int checked = 0;
        for (Action action : Action.values()) {
            for (ObjectRef object : List.of(ObjectRef.root(), ObjectRef.host(host), ObjectRef.guest(guest),
                    ObjectRef.host(otherHost), ObjectRef.guest(sameNameElsewhere))) {
                if (action.changes()) {
                    assertThatThrownBy(() -> permissions.require(action, object)).as(action + " " + object.path())
                            .isInstanceOf(AccessDeniedException.class);
                    checked++;
                } else {
                    permissions.require(action, object); // reads and the console: both roles held, so allowed
                }
            }
        }
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void aHostGrantShowsThatHostAndItsGuestsOnlyInListsSearchAndDashboards() throws Exception {
        userWith("viewer-of-a", Role.VIEWER, ObjectRef.host(host));
        String guests = call("viewer-of-a", "/api/v1/guests?size=500").getContentAsString();
        assertThat((Integer) JsonPath.read(guests, "$.total")).isEqualTo(3);
        assertThat(JsonPath.<List<Number>>read(guests, "$.items[*].hostId")).allMatch(h -> h.longValue() == host);
        // the search box: both hosts have an alpha-web, one is theirs
        String search = call("viewer-of-a", "/api/v1/guests?q=alpha-web").getContentAsString();
        assertThat(JsonPath.<List<Number>>read(search, "$.items[*].id")).extracting(Number::longValue)
                .containsExactly(guest);
        String hosts = call("viewer-of-a", "/api/v1/hosts").getContentAsString();
        assertThat(JsonPath.<List<Number>>read(hosts, "$[*].id")).extracting(Number::longValue).containsExactly(host);
        String capacity = call("viewer-of-a", "/api/v1/dashboard/capacity").getContentAsString();
        assertThat(JsonPath.<List<Number>>read(capacity, "$.hosts[*].id")).extracting(Number::longValue)
                .containsExactly(host);
        assertThat(call("viewer-of-a", "/api/v1/hosts/" + otherHost).getStatus()).isEqualTo(404);
        assertThat(call("viewer-of-a", "/api/v1/guests/" + sameNameElsewhere).getStatus()).isEqualTo(404);
        // the guest list page's host filter offers only their host
        assertThat(mvc.perform(get("/guests").with(as("viewer-of-a"))).andReturn().getResponse()
                .getContentAsString()).contains("grants-a").doesNotContain("grants-b");
    }

    @Test
    void aGuestGrantShowsThatGuestAloneAndItsHostStaysHidden() throws Exception {
        userWith("helpdesk-of-alpha", Role.HELPDESK, ObjectRef.guest(guest));
        String guests = call("helpdesk-of-alpha", "/api/v1/guests").getContentAsString();
        assertThat(JsonPath.<List<Number>>read(guests, "$.items[*].id")).extracting(Number::longValue)
                .containsExactly(guest);
        assertThat(call("helpdesk-of-alpha", "/api/v1/guests/" + guest).getStatus()).isEqualTo(200);
        assertThat(call("helpdesk-of-alpha", "/api/v1/hosts/" + host).getStatus()).isEqualTo(404);
        assertThat(call("helpdesk-of-alpha", "/api/v1/hosts").getStatus()).isEqualTo(403);
        // the page of a guest they may not see is the missing-guest page, not a refusal
        assertThat(mvc.perform(get("/guests/" + sameNameElsewhere).with(as("helpdesk-of-alpha"))).andReturn()
                .getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(get("/guests/" + guest).with(as("helpdesk-of-alpha"))).andReturn().getResponse()
                .getStatus()).isEqualTo(200);
        assertThat(call("nobody-granted", "/api/v1/guests").getStatus()).isEqualTo(403);
    }

    @Test
    void theGuestPageShowsTheButtonsTheGrantsAllow() throws Exception {
        userWith("page-operator", Role.OPERATOR, ObjectRef.host(host));
        userWith("page-helpdesk", Role.HELPDESK, ObjectRef.guest(guest));
        String operator = mvc.perform(get("/guests/" + guest).with(as("page-operator"))).andReturn().getResponse()
                .getContentAsString();
        assertThat(operator).contains("Configure…", "aria-label=\"Power off alpha-web\"", "Open console");
        String helpdesk = mvc.perform(get("/guests/" + guest).with(as("page-helpdesk"))).andReturn().getResponse()
                .getContentAsString();
        assertThat(helpdesk).contains("Open console").doesNotContain("Configure…", "Power off alpha-web");
    }

    @Test
    void anOperatorGrantOnAGuestLetsItsHolderDeleteThatGuestAndNoOther() throws Exception {
        long spare = api.registerHost("grants-spare", TestHosts.smallHost());
        long shutOff = api.guestId(spare, "gamma-build");
        long neighbour = api.guestId(spare, "beta-db");
        userWith("operator-of-gamma", Role.OPERATOR, ObjectRef.guest(shutOff));
        assertThat(mvc.perform(delete("/api/v1/guests/" + neighbour).with(as("operator-of-gamma"))).andReturn()
                .getResponse().getStatus()).isEqualTo(404);
        assertThat(mvc.perform(delete("/api/v1/guests/" + shutOff).with(as("operator-of-gamma"))).andReturn()
                .getResponse().getStatus()).isEqualTo(200);
        assertThat(api.getJson("/api/v1/guests/" + shutOff)).contains("There is no guest");
    }

    @Test
    void adminsGrantToGroupsAndTakeBackAndEveryChangeIsAudited() throws Exception {
        userWith("desk-member", Role.VIEWER);
        String created = mvc.perform(api.post("/api/v1/groups", "{\"name\":\"desk\"}")).andReturn().getResponse()
                .getContentAsString();
        long groupId = ((Number) JsonPath.read(created, "$.id")).longValue();
        assertThat(mvc.perform(api.post("/api/v1/groups", "{\"name\":\"desk\"}")).andReturn().getResponse()
                .getStatus()).isEqualTo(409);
        assertThat(mvc.perform(put("/api/v1/groups/" + groupId + "/members/desk-member").with(admin()))
                .andReturn().getResponse().getContentAsString()).contains("desk-member");
        assertThat(call("desk-member", "/api/v1/guests/" + guest).getStatus()).isEqualTo(404);

        MockHttpServletResponse granted = mvc.perform(api.post("/api/v1/grants",
                "{\"group\":\"desk\",\"path\":\"/guests/" + guest + "\",\"role\":\"HELPDESK\"}")).andReturn()
                .getResponse();
        assertThat(granted.getStatus()).isEqualTo(201);
        long grantId = ((Number) JsonPath.read(granted.getContentAsString(), "$.id")).longValue();
        assertThat(call("desk-member", "/api/v1/guests/" + guest).getStatus()).isEqualTo(200);
        assertThat(mvc.perform(post("/api/v1/guests/" + guest + "/actions/poweroff").with(as("desk-member")))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(api.post("/api/v1/grants",
                "{\"group\":\"desk\",\"path\":\"/guests/" + guest + "\",\"role\":\"HELPDESK\"}")).andReturn()
                .getResponse().getStatus()).isEqualTo(409);

        assertThat(mvc.perform(delete("/api/v1/grants/" + grantId).with(admin())).andReturn().getResponse()
                .getStatus()).isEqualTo(204);
        assertThat(call("desk-member", "/api/v1/guests/" + guest).getStatus()).isEqualTo(404);

        for (String action : List.of("group.create", "group.member.add", "grant.add", "grant.remove")) {
            assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = :a AND username = 'admin'")
                    .param("a", action).query(Long.class).single()).as(action).isGreaterThan(0);
        }
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'grant.add' AND object_id = :id")
                .param("id", Long.toString(grantId)).query(String.class).single())
                .isEqualTo("HELPDESK on /guests/" + guest + " to group desk");
    }

    @Test
    void onlyAdminsManageGrantsAndBadInputNamesItsField() throws Exception {
        userWith("operator-everywhere", Role.OPERATOR, ObjectRef.root());
        assertThat(mvc.perform(post("/api/v1/grants").with(as("operator-everywhere"))
                .contentType("application/json").content("{\"user\":\"operator-everywhere\",\"path\":\"/\","
                        + "\"role\":\"ADMIN\"}")).andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(call("operator-everywhere", "/api/v1/grants").getStatus()).isEqualTo(403);
        for (String[] wrong : new String[][] {
                {"{\"user\":\"operator-everywhere\",\"path\":\"/pools/1\",\"role\":\"VIEWER\"}", "path"},
                {"{\"user\":\"operator-everywhere\",\"path\":\"/guests/999999\",\"role\":\"VIEWER\"}", "path"},
                {"{\"user\":\"operator-everywhere\",\"path\":\"/\",\"role\":\"ROOT\"}", "role"},
                {"{\"user\":\"no-such-user\",\"path\":\"/\",\"role\":\"VIEWER\"}", "user"},
                {"{\"path\":\"/\",\"role\":\"VIEWER\"}", "user"}}) {
            MockHttpServletResponse response = mvc.perform(api.post("/api/v1/grants", wrong[0])).andReturn()
                    .getResponse();
            assertThat(response.getStatus()).as(wrong[0]).isEqualTo(400);
            assertThat((String) JsonPath.read(response.getContentAsString(), "$.field")).as(wrong[0])
                    .isEqualTo(wrong[1]);
        }
        assertThat(grants.findAll()).noneMatch(g -> g.subject().equals("no-such-user"));
    }

    @Test
    void aMissingObjectAndAHiddenOneReadTheSame() {
        userWith("viewer-of-b", Role.VIEWER, ObjectRef.host(otherHost));
        SecurityContextHolder.getContext().setAuthentication(
                new UsernamePasswordAuthenticationToken("viewer-of-b", null, List.of()));
        assertThatThrownBy(() -> permissions.requireGuest(Action.READ_GUEST, guest))
                .isInstanceOf(VirtdeckException.class).hasMessage("There is no guest with id " + guest + ".");
        assertThatThrownBy(() -> permissions.requireHost(Action.READ_HOST, host))
                .isInstanceOf(VirtdeckException.class).hasMessage("There is no host with id " + host + ".");
    }
}
