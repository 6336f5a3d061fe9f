package io.virtdeck.security;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskRepository;
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
    @Autowired
    TaskRepository taskRepository;
    @Autowired
    AuditLog auditLog;

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

    /** The HTML of one guest's row of the guest list. */
    private static String row(String page, long guestId) {
        int start = page.indexOf("id=\"guest-" + guestId + "\"");
        assertThat(start).as("row of guest " + guestId).isNotNegative();
        return page.substring(start, page.indexOf("</tr>", start));
    }

    @Test
    void theGuestListShowsEachRowTheButtonsItsGrantsAllowAndNoOthers() throws Exception {
        // operator of one guest, viewer of the rest of its host: power buttons on that guest's row only
        userWith("rows-operator", Role.OPERATOR, ObjectRef.guest(guest));
        grants.insert(grants.userId("rows-operator").orElseThrow(), null, ObjectRef.host(host), Role.VIEWER, "test");
        long neighbour = api.guestId(host, "beta-db");
        String page = call("rows-operator", "/guests").getContentAsString();
        assertThat(page).contains(">Actions</th>", ">Console</th>");
        assertThat(row(page, guest)).contains("/guests/" + guest + "/actions/poweroff", "Open console");
        assertThat(row(page, neighbour)).contains("beta-db").doesNotContain("/actions/", "Open console");
        // a row fetched alone by a live update decides the same
        assertThat(call("rows-operator", "/guests/" + guest + "/row").getContentAsString())
                .contains("/guests/" + guest + "/actions/poweroff");
        assertThat(call("rows-operator", "/guests/" + neighbour + "/row").getContentAsString())
                .doesNotContain("/actions/");

        // an operator of the host: every row of that host, none of another host they only view
        userWith("rows-host-operator", Role.OPERATOR, ObjectRef.host(host));
        grants.insert(grants.userId("rows-host-operator").orElseThrow(), null, ObjectRef.host(otherHost), Role.VIEWER,
                "test");
        String hostPage = call("rows-host-operator", "/guests").getContentAsString();
        assertThat(row(hostPage, neighbour)).contains("/guests/" + neighbour + "/actions/");
        assertThat(row(hostPage, sameNameElsewhere)).doesNotContain("/actions/");

        // a viewer everywhere: no action column, no console column
        userWith("rows-viewer", Role.VIEWER, ObjectRef.root(), ObjectRef.host(host), ObjectRef.guest(guest));
        String viewerPage = call("rows-viewer", "/guests").getContentAsString();
        assertThat(viewerPage).contains("alpha-web").doesNotContain("/actions/", ">Actions</th>", ">Console</th>",
                "Open console");
        // help desk on one guest: its console link, no power button anywhere
        userWith("rows-helpdesk", Role.HELPDESK, ObjectRef.guest(guest));
        String helpdeskPage = call("rows-helpdesk", "/guests").getContentAsString();
        assertThat(row(helpdeskPage, guest)).contains("Open console").doesNotContain("/actions/");
        assertThat(helpdeskPage).doesNotContain(">Actions</th>");
    }

    @Test
    void hostStorageAndNetworkPagesShowTheirButtonsToThoseWhoMayOperateThatHost() throws Exception {
        userWith("pages-host-operator", Role.OPERATOR, ObjectRef.host(host));
        grants.insert(grants.userId("pages-host-operator").orElseThrow(), null, ObjectRef.host(otherHost),
                Role.VIEWER, "test");
        userWith("pages-guest-operator", Role.OPERATOR, ObjectRef.guest(guest));
        assertThat(call("pages-host-operator", "/hosts/" + host).getContentAsString())
                .contains("Maintenance…", "New guest…", "Import image…", "Remove from Virtdeck");
        assertThat(call("pages-host-operator", "/hosts/" + host + "/storage").getContentAsString())
                .contains("New pool", "/storage/pools/default/autostart");
        assertThat(call("pages-host-operator", "/hosts/" + host + "/networks").getContentAsString())
                .contains("Make network", "/networks/default/autostart");
        for (String path : List.of("/hosts/" + otherHost, "/hosts/" + otherHost + "/storage",
                "/hosts/" + otherHost + "/networks")) {
            MockHttpServletResponse response = call("pages-host-operator", path);
            assertThat(response.getStatus()).as(path).isEqualTo(200);
            assertThat(response.getContentAsString()).as(path).doesNotContain("Maintenance…", "Remove from Virtdeck",
                    "New pool", "/autostart", "Make network");
        }
        // OPERATOR on a host is not on '/': no host registration
        assertThat(call("pages-host-operator", "/hosts").getContentAsString()).doesNotContain(">Register</button>");
        userWith("pages-root-operator", Role.OPERATOR, ObjectRef.root());
        assertThat(call("pages-root-operator", "/hosts").getContentAsString()).contains(">Register</button>");
        // an operator of one guest: its snapshot tab's forms, and no host at all
        assertThat(call("pages-guest-operator", "/guests/" + guest + "/snapshots").getContentAsString())
                .contains("Take snapshot");
        assertThat(call("pages-guest-operator", "/hosts/" + host).getStatus()).isEqualTo(404);
        userWith("pages-viewer", Role.VIEWER, ObjectRef.guest(guest));
        assertThat(call("pages-viewer", "/guests/" + guest + "/snapshots").getContentAsString())
                .doesNotContain("Take snapshot");
    }

    @Test
    void tasksAreSeenWithTheirObjectAndCancelledByThoseWhoMayActOnIt() throws Exception {
        userWith("tasks-viewer-of-a", Role.VIEWER, ObjectRef.host(host));
        userWith("tasks-operator-of-alpha", Role.OPERATOR, ObjectRef.guest(guest));
        long onGuest = queued(new AuditObject("guest", Long.toString(guest), "alpha-web"));
        long onHost = queued(new AuditObject("host", Long.toString(host), "grants-a"));
        long onPool = queued(new AuditObject("pool", host + "/tasks-pool", "tasks-pool"));
        long onImage = queued(new AuditObject("image", host + "/" + java.util.UUID.randomUUID(), "disk.qcow2"));
        long onOtherGuest = queued(new AuditObject("guest", Long.toString(sameNameElsewhere), "alpha-web"));
        long onOtherNetwork = queued(new AuditObject("network", otherHost + "/tasks-net", "tasks-net"));
        try {
            assertThat(taskIds("tasks-viewer-of-a")).contains(onGuest, onHost, onPool, onImage)
                    .doesNotContain(onOtherGuest, onOtherNetwork);
            assertThat(taskIds("tasks-operator-of-alpha")).contains(onGuest)
                    .doesNotContain(onHost, onPool, onImage, onOtherGuest, onOtherNetwork);
            assertThat(call("tasks-viewer-of-a", "/api/v1/tasks/" + onPool).getStatus()).isEqualTo(200);
            MockHttpServletResponse hidden = call("tasks-viewer-of-a", "/api/v1/tasks/" + onOtherNetwork);
            assertThat(hidden.getStatus()).isEqualTo(404);
            assertThat(hidden.getContentAsString()).contains("There is no task with id " + onOtherNetwork + ".");
            assertThat(call("nobody-granted", "/api/v1/tasks").getStatus()).isEqualTo(403);

            // cancel: 403 to a viewer of the object, 404 where it is unseen, done by its operator
            assertThat(cancel("tasks-viewer-of-a", onGuest)).isEqualTo(403);
            assertThat(cancel("tasks-operator-of-alpha", onHost)).isEqualTo(404);
            assertThat(cancel("tasks-operator-of-alpha", onGuest)).isEqualTo(200);
            assertThat(jdbc.sql("SELECT cancel_requested FROM tasks WHERE id = :id").param("id", onGuest)
                    .query(Boolean.class).single()).isTrue();
            // the tasks page offers Cancel where it would be done
            String operatorPage = call("tasks-operator-of-alpha", "/tasks").getContentAsString();
            assertThat(operatorPage).contains("/tasks/" + onGuest + "/cancel");
            String viewerPage = call("tasks-viewer-of-a", "/tasks").getContentAsString();
            assertThat(viewerPage).contains("id=\"task-" + onHost + "\"").doesNotContain("/cancel");
        } finally {
            for (long id : List.of(onGuest, onHost, onPool, onImage, onOtherGuest, onOtherNetwork)) {
                taskRepository.finish(id, io.virtdeck.task.Task.State.CANCELLED, "test over");
            }
        }
    }

    private long queued(AuditObject object) {
        return taskRepository.insertQueued("test.scope", "admin", object, true).orElseThrow();
    }

    private List<Long> taskIds(String user) throws Exception {
        String json = call(user, "/api/v1/tasks?size=500").getContentAsString();
        return JsonPath.<List<Number>>read(json, "$.items[*].id").stream().map(Number::longValue).toList();
    }

    private int cancel(String user, long task) throws Exception {
        return mvc.perform(post("/api/v1/tasks/" + task + "/cancel").with(as(user))).andReturn().getResponse()
                .getStatus();
    }

    @Test
    void theAuditTrailShowsEachUserTheEntriesAboutWhatTheyMayRead() throws Exception {
        userWith("audit-viewer-of-a", Role.VIEWER, ObjectRef.host(host));
        userWith("audit-helpdesk-of-alpha", Role.HELPDESK, ObjectRef.guest(guest));
        String probe = "audit-scope-probe"; // the entries of this test alone, whatever else the trail holds
        List<AuditObject> objects = List.of(new AuditObject("guest", Long.toString(guest), "alpha-web"),
                new AuditObject("host", Long.toString(host), "grants-a"),
                new AuditObject("pool", host + "/audit-pool", "audit-pool"),
                new AuditObject("guest", Long.toString(sameNameElsewhere), "alpha-web"),
                new AuditObject("host", Long.toString(otherHost), "grants-b"),
                new AuditObject("network", otherHost + "/audit-net", "audit-net"),
                new AuditObject("user", "1", "admin"));
        for (AuditObject object : objects) {
            auditLog.recordAs(probe, AuditAction.GRANT_ADD, object, AuditEntry.Outcome.SUCCESS, null);
        }
        String filter = "?user=" + probe + "&size=100";
        assertThat(auditedObjects("audit-viewer-of-a", filter))
                .containsExactlyInAnyOrder("guest:" + guest, "host:" + host, "pool:" + host + "/audit-pool");
        // help desk on a guest finds it and opens its console, nothing more: no history
        assertThat(call("audit-helpdesk-of-alpha", "/api/v1/audit" + filter).getStatus()).isEqualTo(403);
        // admins read it all, as before grants
        String all = mvc.perform(api.get("/api/v1/audit" + filter)).andReturn().getResponse().getContentAsString();
        assertThat((Integer) JsonPath.read(all, "$.total")).isEqualTo(objects.size());
        // the CSV export keeps the same entries
        String csv = call("audit-viewer-of-a", "/api/v1/audit/export" + filter).getContentAsString();
        assertThat(csv.lines().skip(1).toList()).hasSize(3)
                .allMatch(line -> line.contains(",guest," + guest + ",") || line.contains(",host," + host + ",")
                        || line.contains(",pool," + host + "/audit-pool,"));
        assertThat(call("nobody-granted", "/api/v1/audit").getStatus()).isEqualTo(403);
        assertThat(call("nobody-granted", "/api/v1/audit/export").getStatus()).isEqualTo(403);
    }

    private List<String> auditedObjects(String user, String filter) throws Exception {
        String json = call(user, "/api/v1/audit" + filter).getContentAsString();
        List<String> types = JsonPath.read(json, "$.items[*].objectType");
        List<String> ids = JsonPath.read(json, "$.items[*].objectId");
        return java.util.stream.IntStream.range(0, types.size()).mapToObj(i -> types.get(i) + ":" + ids.get(i))
                .toList();
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
