package io.virtdeck.security;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.Role;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskRepository;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Each role against each endpoint and action: the services let through exactly what the README's roles allow. */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoleMatrixTest {

    /** Mapped endpoints that no role question applies to: open to all, or Spring's own. */
    private static final Set<String> OPEN = Set.of("GET /login", "GET /error", "GET /v3/api-docs",
            "GET /v3/api-docs.yaml", "GET /v3/api-docs/{group}", "GET /v3/api-docs.yaml/{group}",
            "GET /v3/api-docs/swagger-config", "GET /swagger-ui.html", "GET /favicon.ico");

    private static final String PASSWORD = "role-test-pw";
    private static final List<String> ACTIONS =
            List.of("start", "shutdown", "poweroff", "reboot", "reset", "suspend", "resume", "save",
                    "discard-save");

    /** Every endpoint (method and mapped pattern) a request of this class reached. */
    private final Set<String> covered = ConcurrentHashMap.newKeySet();

    @Autowired
    WebApplicationContext context;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    MockMvc mvc;
    @Autowired
    InitialUsers initialUsers;
    @Autowired
    AuditLog auditLog;
    @Autowired
    TaskRepository taskRepository;

    long host;
    long guest;

    @BeforeAll
    void usersAndAHost() throws Exception {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).alwaysDo(result -> {
            Object pattern = result.getRequest().getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            if (pattern != null) {
                covered.add(result.getRequest().getMethod() + " " + pattern);
            }
        }).build();
        initialUsers.ensure(PASSWORD, "test", new InitialUsers.UserSpec("m-operator", Role.OPERATOR),
                new InitialUsers.UserSpec("m-helpdesk", Role.HELPDESK), new InitialUsers.UserSpec("m-viewer", Role.VIEWER),
                new InitialUsers.UserSpec("m-admin", Role.ADMIN));
        Api api = new Api(mvc);
        host = api.registerHost("matrix", TestHosts.smallHost());
        guest = api.guestId(host, "alpha-web");
    }

    static Stream<Arguments> roles() {
        return Stream.of(Arguments.of("m-admin", true), Arguments.of("m-operator", true),
                Arguments.of("m-helpdesk", false), Arguments.of("m-viewer", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void powerActionsOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        for (String action : ACTIONS) {
            int status = call(user, HttpMethod.POST, "/api/v1/guests/" + guest + "/actions/" + action);
            if (mayAct) {
                assertThat(status).as(user + " " + action).isIn(200, 409);
            } else {
                assertThat(status).as(user + " " + action).isEqualTo(403);
            }
        }
        if (mayAct) {
            // the actions above may have left it stopped; running, a delete is refused for its state, not the role
            assertThat(call(user, HttpMethod.POST, "/api/v1/guests/" + guest + "/actions/start")).isIn(200, 409);
        }
        int delete = call(user, HttpMethod.DELETE, "/api/v1/guests/" + guest);
        assertThat(delete).as(user + " delete").isEqualTo(mayAct ? 409 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void snapshotsAreReadByEveryRoleAndChangedByAdminAndOperatorOnly(String user, boolean mayAct) throws Exception {
        String snapshots = "/api/v1/guests/" + guest + "/snapshots";
        String name = "by-" + user;
        assertThat(call(user, HttpMethod.GET, snapshots)).as(user + " list").isEqualTo(200);
        assertThat(callWithBody(user, snapshots, "{\"name\":\"" + name + "\"}")).as(user + " take")
                .isIn(mayAct ? List.of(201, 409) : List.of(403)); // 409: another test left the guest in a state
        String existing = mayAct ? name : "none";
        assertThat(call(user, HttpMethod.POST, snapshots + "/" + existing + "/revert")).as(user + " revert")
                .isIn(mayAct ? List.of(200, 404) : List.of(403));
        assertThat(call(user, HttpMethod.DELETE, snapshots + "/" + existing)).as(user + " delete")
                .isIn(mayAct ? List.of(200, 404) : List.of(403));
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/guests/" + guest + "/snapshots").with(asUser)).andReturn().getResponse()
                .getStatus()).as(user + " snapshots tab").isEqualTo(200);
        assertThat(mvc.perform(post("/guests/" + guest + "/snapshots").param("name", name + "-page").with(asUser)
                .with(csrf())).andReturn().getResponse().getStatus()).as(user + " take from the tab")
                .isEqualTo(mayAct ? 302 : 403);
        for (String change : List.of("revert", "delete")) {
            assertThat(mvc.perform(post("/guests/" + guest + "/snapshots/" + name + "-page/" + change).with(asUser)
                    .with(csrf())).andReturn().getResponse().getStatus()).as(user + " " + change + " from the tab")
                    .isEqualTo(mayAct ? 302 : 403);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void migrationAndMaintenanceOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        // requests that would change nothing: refused for what they ask (409) or for who asks (403)
        assertThat(callWithBody(user, "/api/v1/guests/" + guest + "/migrate", "{\"targetHostId\":" + host + "}"))
                .as(user + " migrate to its own host").isEqualTo(mayAct ? 409 : 403);
        assertThat(call(user, HttpMethod.GET, "/api/v1/guests/" + guest + "/migrate/targets"))
                .as(user + " migration targets").isEqualTo(mayAct ? 200 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":false}"))
                .as(user + " leave a maintenance the host is not in").isEqualTo(mayAct ? 409 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void creatingGuestsOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        String name = "made-by-" + user;
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/guests",
                "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":128}"))
                .as(user + " create").isEqualTo(mayAct ? 201 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/containers",
                "{\"name\":\"ct-by-" + user + "\",\"memoryMiB\":64,\"rootDirectory\":\"/srv/ct\"}"))
                .as(user + " create a container").isEqualTo(mayAct ? 201 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/hosts/" + host + "/guests/new").with(asUser)).andReturn().getResponse()
                .getStatus()).as(user + " create page").isEqualTo(mayAct ? 200 : 403);
        assertThat(mvc.perform(post("/hosts/" + host + "/guests/new").param("name", name + "-page")
                        .param("vcpus", "1").param("memoryMiB", "128").param("step", "create").with(asUser)
                        .with(csrf())).andReturn().getResponse().getStatus())
                .as(user + " create from the page").isEqualTo(mayAct ? 302 : 403);
        String hostPage = mvc.perform(get("/hosts/" + host).with(asUser)).andReturn().getResponse()
                .getContentAsString();
        if (mayAct) {
            assertThat(hostPage).contains("href=\"/hosts/" + host + "/guests/new\"");
        } else {
            assertThat(hostPage).doesNotContain("/guests/new");
        }
    }

    @Test
    void consolesForAdminOperatorAndHelpdeskNotViewersAndTheirSessionsForAdminOnly() throws Exception {
        // the test driver runs no display (no VNC port): refused for what is asked (409), or for who asks (403);
        // tickets themselves: ConsoleTicketTest, with a display
        for (String user : List.of("m-admin", "m-operator", "m-helpdesk")) {
            assertThat(call(user, HttpMethod.POST, "/api/v1/guests/" + guest + "/console")).as(user).isEqualTo(409);
        }
        assertThat(call("m-viewer", HttpMethod.POST, "/api/v1/guests/" + guest + "/console")).isEqualTo(403);
        assertThat(call("m-admin", HttpMethod.GET, "/api/v1/console/sessions")).isEqualTo(200);
        for (String user : List.of("m-operator", "m-helpdesk", "m-viewer")) {
            assertThat(call(user, HttpMethod.GET, "/api/v1/console/sessions")).as(user).isEqualTo(403);
            assertThat(call(user, HttpMethod.DELETE, "/api/v1/console/sessions/abc")).as(user).isEqualTo(403);
        }
        assertThat(call("m-admin", HttpMethod.DELETE, "/api/v1/console/sessions/abc")).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void configuringGuestsOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        long build = new Api(mvc).guestId(host, "gamma-build");
        assertThat(mvc.perform(patch("/api/v1/guests/" + build).with(httpBasic(user, PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content("{\"description\":\"set by " + user + "\"}"))
                .andReturn().getResponse().getStatus()).as(user + " PATCH").isEqualTo(mayAct ? 200 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/guests/" + build + "/configure").with(asUser)).andReturn().getResponse()
                .getStatus()).as(user + " configure page").isEqualTo(mayAct ? 200 : 403);
        assertThat(mvc.perform(post("/guests/" + build + "/configure").param("vcpus", "1").param("memoryMiB", "512")
                        .param("description", "page of " + user).with(asUser).with(csrf())).andReturn().getResponse()
                .getStatus()).as(user + " configure from the page").isEqualTo(mayAct ? 302 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void hotPlugOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        // requests refused for what they ask (400: no such pool or network) or for who asks (403)
        assertThat(callWithBody(user, "/api/v1/guests/" + guest + "/disks", "{\"pool\":\"none\",\"sizeMiB\":1}"))
                .as(user + " add disk").isEqualTo(mayAct ? 400 : 403);
        assertThat(callWithBody(user, "/api/v1/guests/" + guest + "/nics", "{\"network\":\"none\"}"))
                .as(user + " add NIC").isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.DELETE, "/api/v1/guests/" + guest + "/nics/52:54:00:ff:ff:ff"))
                .as(user + " remove NIC").isEqualTo(mayAct ? 404 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/guests/" + guest + "/devices").with(asUser)).andReturn().getResponse()
                .getStatus()).as(user + " devices page").isEqualTo(mayAct ? 200 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void cloningAndTemplatesOnlyForAdminAndOperator(String user, boolean mayAct) throws Exception {
        // a shut-off guest of its own for each action, so that one action's task does not hold another's guest
        long cloned = shutOffGuest("cl-a-" + user);
        long marked = shutOffGuest("cl-b-" + user);
        long template = shutOffGuest("cl-c-" + user);
        long viaPage = shutOffGuest("cl-d-" + user);
        assertThat(call("m-admin", HttpMethod.PUT, "/api/v1/guests/" + template + "/template")).isEqualTo(200);

        assertThat(callWithBody(user, "/api/v1/guests/" + cloned + "/clone", "{\"name\":\"cl-copy-" + user + "\"}"))
                .as(user + " clone").isEqualTo(mayAct ? 202 : 403);
        assertThat(call(user, HttpMethod.PUT, "/api/v1/guests/" + marked + "/template"))
                .as(user + " mark as template").isEqualTo(mayAct ? 200 : 403);
        assertThat(call(user, HttpMethod.DELETE, "/api/v1/guests/" + marked + "/template"))
                .as(user + " unmark").isEqualTo(mayAct ? 200 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/guests",
                "{\"name\":\"cl-from-" + user + "\",\"template\":\"cl-c-" + user + "\"}"))
                .as(user + " create from template").isEqualTo(mayAct ? 202 : 403);

        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/guests/" + viaPage + "/clone").with(asUser)).andReturn().getResponse()
                .getStatus()).as(user + " clone page").isEqualTo(mayAct ? 200 : 403);
        assertThat(mvc.perform(post("/guests/" + viaPage + "/clone").param("name", "cl-page-" + user).with(asUser)
                .with(csrf())).andReturn().getResponse().getStatus())
                .as(user + " clone from the page").isEqualTo(mayAct ? 302 : 403);
        assertThat(mvc.perform(post("/guests/" + marked + "/template").param("template", "true").with(asUser)
                .with(csrf())).andReturn().getResponse().getStatus())
                .as(user + " mark from the page").isEqualTo(mayAct ? 302 : 403);
        String page = mvc.perform(get("/guests/" + template).with(asUser)).andReturn().getResponse()
                .getContentAsString();
        assertThat(page).contains("Template");
        if (mayAct) {
            assertThat(page).contains("Create guest from this template");
        } else {
            assertThat(page).doesNotContain("/clone").doesNotContain("Unmark");
        }
    }

    private long shutOffGuest(String name) throws Exception {
        String body = mvc.perform(post("/api/v1/hosts/" + host + "/guests").with(httpBasic("m-admin", PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":64}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return ((Number) com.jayway.jsonpath.JsonPath.read(body, "$.id")).longValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void storageReadByAllButHelpdeskAndChangedByAdminAndOperatorOnly(String user, boolean mayAct) throws Exception {
        boolean helpdesk = user.equals("m-helpdesk");
        assertThat(call(user, HttpMethod.GET, "/api/v1/hosts/" + host + "/pools")).as(user + " pools")
                .isEqualTo(helpdesk ? 403 : 200);
        assertThat(call(user, HttpMethod.GET, "/api/v1/hosts/" + host + "/pools/default/volumes"))
                .as(user + " volumes").isEqualTo(helpdesk ? 403 : 200);
        // refused for what they ask (400: a bad name) or for who asks (403)
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/pools/default/volumes",
                "{\"name\":\"bad name\",\"sizeMiB\":1}")).as(user + " create volume").isEqualTo(mayAct ? 400 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/pools", "{\"name\":\"bad name\",\"type\":\"dir\"}"))
                .as(user + " create pool").isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.DELETE, "/api/v1/hosts/" + host + "/pools/default/volumes/none.qcow2"))
                .as(user + " delete volume").isEqualTo(mayAct ? 404 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/pools/default/volumes/alpha-web.qcow2/resize",
                "{\"sizeMiB\":1}")).as(user + " resize a volume in use").isEqualTo(mayAct ? 409 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/pools/default/volumes/alpha-web.qcow2/clone",
                "{\"name\":\"bad name\"}")).as(user + " clone volume").isEqualTo(mayAct ? 400 : 403);
        // a volume's content is a disk's data: moved in and out by those who may change storage only
        assertThat(call(user, HttpMethod.PUT, "/api/v1/hosts/" + host + "/pools/default/volumes/new.qcow2/content"))
                .as(user + " upload without a length").isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.GET, "/api/v1/hosts/" + host + "/pools/default/volumes/none.qcow2/content"))
                .as(user + " download").isEqualTo(mayAct ? 404 : 403);
        String imports = "/api/v1/hosts/" + host + "/imports";
        assertThat(call(user, HttpMethod.PUT, imports + "?fileName=disk.vmdk")).as(user + " stage without a length")
                .isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.GET, imports)).as(user + " staged images").isEqualTo(mayAct ? 200 : 403);
        assertThat(call(user, HttpMethod.GET, imports + "/none")).as(user + " one").isEqualTo(mayAct ? 404 : 403);
        assertThat(callWithBody(user, imports + "/none", "{\"pool\":\"default\",\"name\":\"d\"}"))
                .as(user + " import").isEqualTo(mayAct ? 404 : 403);
        assertThat(call(user, HttpMethod.DELETE, imports + "/none")).as(user + " discard").isEqualTo(mayAct ? 404 : 403);
    }

    /** Each pool action on a pool that does not exist: 404 for those allowed to act, 403 before that for others. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void poolsAreBuiltStartedStoppedRefreshedAutostartedAndDeletedByAdminAndOperatorOnly(String user, boolean mayAct)
            throws Exception {
        String pool = "/api/v1/hosts/" + host + "/pools/none";
        for (String action : List.of("build", "start", "stop", "refresh")) {
            assertThat(callWithBody(user, pool + "/" + action, "")).as(user + " " + action + " pool")
                    .isEqualTo(mayAct ? 404 : 403);
        }
        assertThat(mvc.perform(put(pool + "/autostart").with(httpBasic(user, PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"autostart\":true}")).andReturn()
                .getResponse().getStatus()).as(user + " autostart pool").isEqualTo(mayAct ? 404 : 403);
        assertThat(call(user, HttpMethod.DELETE, pool)).as(user + " delete pool").isEqualTo(mayAct ? 404 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(post("/hosts/" + host + "/storage/pools/none/stop").with(asUser).with(csrf()))
                .andReturn().getResponse().getStatus()).as(user + " stop pool from the page")
                .isEqualTo(mayAct ? 404 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void networksReadByAllButHelpdeskAndChangedByAdminAndOperatorOnly(String user, boolean mayAct) throws Exception {
        assertThat(call(user, HttpMethod.GET, "/api/v1/hosts/" + host + "/networks")).as(user + " networks")
                .isEqualTo(user.equals("m-helpdesk") ? 403 : 200);
        assertThat(callWithBody(user, "/api/v1/hosts/" + host + "/networks", "{\"name\":\"x\",\"mode\":\"vlan\"}"))
                .as(user + " create network").isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.DELETE, "/api/v1/hosts/" + host + "/networks/none"))
                .as(user + " delete network").isEqualTo(mayAct ? 404 : 403);
        String network = "/api/v1/hosts/" + host + "/networks/default";
        assertThat(callWithBody(user, HttpMethod.PUT, network + "/autostart", "{\"autostart\":true}"))
                .as(user + " network autostart").isEqualTo(mayAct ? 204 : 403);
        assertThat(callWithBody(user, network + "/dhcp-hosts", "{\"mac\":\"bad\",\"ip\":\"192.168.122.5\"}"))
                .as(user + " add static DHCP entry").isEqualTo(mayAct ? 400 : 403);
        assertThat(call(user, HttpMethod.DELETE, network + "/dhcp-hosts/52:54:00:ff:ff:ff"))
                .as(user + " remove static DHCP entry").isEqualTo(mayAct ? 404 : 403);
        // the test driver keeps no leases (409) once the reader is let through
        assertThat(call(user, HttpMethod.GET, network + "/leases")).as(user + " leases")
                .isEqualTo(user.equals("m-helpdesk") ? 403 : 409);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(post("/hosts/" + host + "/networks/default/autostart").param("autostart", "true")
                .with(asUser).with(csrf())).andReturn().getResponse().getStatus())
                .as(user + " autostart from the page").isEqualTo(mayAct ? 302 : 403);
        assertThat(mvc.perform(post("/hosts/" + host + "/networks/default/dhcp-hosts/52:54:00:ff:ff:ff/remove")
                .with(asUser).with(csrf())).andReturn().getResponse().getStatus())
                .as(user + " remove a static entry the network lacks, from the page").isEqualTo(mayAct ? 404 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void everyRoleReadsGuests(String user, boolean mayAct) throws Exception {
        assertThat(call(user, HttpMethod.GET, "/api/v1/guests")).isEqualTo(200);
        assertThat(call(user, HttpMethod.GET, "/api/v1/guests/" + guest)).isEqualTo(200);
    }

    @Test
    void hostsAreReadByAllButHelpdeskAndChangedByAdminAndOperatorOnly() throws Exception {
        assertThat(call("m-admin", HttpMethod.GET, "/api/v1/hosts")).isEqualTo(200);
        assertThat(call("m-operator", HttpMethod.GET, "/api/v1/hosts/" + host)).isEqualTo(200);
        assertThat(call("m-viewer", HttpMethod.GET, "/api/v1/hosts")).isEqualTo(200);
        assertThat(call("m-helpdesk", HttpMethod.GET, "/api/v1/hosts")).isEqualTo(403);
        assertThat(call("m-helpdesk", HttpMethod.GET, "/api/v1/hosts/" + host)).isEqualTo(403);
        for (String user : List.of("m-helpdesk", "m-viewer")) {
            assertThat(callWithBody(user, "/api/v1/hosts", "{\"name\":\"x\",\"uri\":\"test:///default\"}"))
                    .isEqualTo(403);
            assertThat(call(user, HttpMethod.DELETE, "/api/v1/hosts/" + host)).isEqualTo(403);
        }
        assertThat(callWithBody("m-operator", "/api/v1/hosts", "{\"name\":\"op-host\",\"uri\":\""
                + TestHosts.smallHost() + "\"}")).isEqualTo(201);
    }

    /** Credentials choose files of the Virtdeck server and hold keys: admins alone set them, operators too are 403. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void hostCredentialsAreSetAndRemovedByAdminOnly(String user, boolean mayAct) throws Exception {
        boolean admin = user.equals("m-admin");
        String credentials = "/api/v1/hosts/" + host + "/credentials";
        String tls = "{\"type\":\"tls\",\"pkiPath\":\"/nonexistent\"}";
        // past the role check, the matrix host's test:/// URI takes no TLS certificates (400) and has none (404)
        assertThat(callWithBody(user, HttpMethod.PUT, credentials, tls)).as(user + " replace")
                .isEqualTo(admin ? 400 : 403);
        assertThat(call(user, HttpMethod.DELETE, credentials)).as(user + " remove").isEqualTo(admin ? 404 : 403);
        assertThat(callWithBody(user, "/api/v1/hosts", "{\"name\":\"with-credentials\",\"uri\":\"test:///default\","
                + "\"credentials\":" + tls + "}")).as(user + " register with credentials").isEqualTo(admin ? 400 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(post("/hosts/" + host + "/credentials").param("credentialsType", "tls")
                        .param("pkiPath", "/nonexistent").with(asUser).with(csrf())).andReturn().getResponse()
                .getStatus()).as(user + " replace from the page").isEqualTo(admin ? 302 : 403);
        assertThat(mvc.perform(post("/hosts/" + host + "/credentials/remove").with(asUser).with(csrf())).andReturn()
                .getResponse().getStatus()).as(user + " remove from the page").isEqualTo(admin ? 404 : 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void metricsOfGuestsForEveryRoleAndHostMetricsAndCapacityForAllButHelpdesk(String user, boolean mayAct)
            throws Exception {
        boolean readsHosts = !user.equals("m-helpdesk");
        assertThat(call(user, HttpMethod.GET, "/api/v1/guests/" + guest + "/metrics")).as(user + " guest metrics")
                .isEqualTo(200);
        assertThat(call(user, HttpMethod.GET, "/api/v1/hosts/" + host + "/metrics")).as(user + " host metrics")
                .isEqualTo(readsHosts ? 200 : 403);
        for (String dashboard : List.of("capacity", "capacity?nPlusOne=true", "capacity.csv", "trends", "top")) {
            assertThat(call(user, HttpMethod.GET, "/api/v1/dashboard/" + dashboard)).as(user + " " + dashboard)
                    .isEqualTo(readsHosts ? 200 : 403);
        }
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        for (String page : List.of("/dashboard", "/dashboard?nPlusOne=true", "/dashboard/capacity.csv",
                "/charts/fleet", "/charts/hosts/" + host)) {
            assertThat(mvc.perform(get(page).with(asUser)).andReturn().getResponse().getStatus())
                    .as(user + " " + page).isEqualTo(readsHosts ? 200 : 403);
        }
        assertThat(mvc.perform(get("/charts/guests/" + guest).with(asUser)).andReturn().getResponse().getStatus())
                .as(user + " guest chart").isEqualTo(200);
        assertThat(call(user, HttpMethod.GET, "/actuator/prometheus")).as(user + " prometheus")
                .isEqualTo(readsHosts ? 200 : 403);
    }

    /**
     * Admins and operators read the whole trail; viewers the entries about the hosts and guests they read; help desk
     * none (403: its work is finding guests and opening consoles); no one but admins and operators those about users.
     */
    @Test
    void theAuditTrailShowsEachRoleTheEntriesAboutWhatItMayRead() throws Exception {
        String probe = "role-audit-probe"; // the entries of this test alone, whatever else the trail holds
        for (AuditObject object : List.of(AuditObject.guest(guest, "alpha-web"), AuditObject.host(host, "matrix"),
                AuditObject.user(1, "admin"))) {
            auditLog.recordAs(probe, AuditAction.GRANT_ADD, object, AuditEntry.Outcome.SUCCESS, null);
        }
        Map<String, List<String>> expected = Map.of("m-admin", List.of("guest", "host", "user"),
                "m-operator", List.of("guest", "host", "user"), "m-viewer", List.of("guest", "host"));
        assertThat(call("m-helpdesk", HttpMethod.GET, "/api/v1/audit?user=" + probe)).isEqualTo(403);
        assertThat(call("m-helpdesk", HttpMethod.GET, "/api/v1/audit/export")).isEqualTo(403);
        expected.forEach((user, types) -> {
            try {
                String json = mvc.perform(get("/api/v1/audit?user=" + probe).with(httpBasic(user, PASSWORD)))
                        .andReturn().getResponse().getContentAsString();
                assertThat(JsonPath.<List<String>>read(json, "$.items[*].objectType")).as(user)
                        .containsExactlyInAnyOrderElementsOf(types);
                String csv = mvc.perform(get("/api/v1/audit/export?user=" + probe)
                        .with(httpBasic(user, PASSWORD))).andReturn().getResponse().getContentAsString();
                assertThat(csv.lines().skip(1)).as(user + " CSV").hasSize(types.size());
            } catch (Exception e) {
                throw new AssertionError(user, e);
            }
        });
    }

    /** Each role sees the tasks about what it reads (help desk none) and cancels where it acts. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void tasksAreSeenByTheirObjectAndCancelledByAdminAndOperatorOnly(String user, boolean mayOperate)
            throws Exception {
        long onGuest = taskRepository.insertQueued("test.role-task", "admin", AuditObject.guest(guest, "alpha-web"),
                true).orElseThrow();
        long onHost = taskRepository.insertQueued("test.role-task", "admin", AuditObject.host(host, "matrix"), true)
                .orElseThrow();
        try {
            if (user.equals("m-helpdesk")) {
                assertThat(call(user, HttpMethod.GET, "/api/v1/tasks")).isEqualTo(403);
                assertThat(call(user, HttpMethod.GET, "/api/v1/tasks/" + onGuest)).isEqualTo(403);
                assertThat(call(user, HttpMethod.POST, "/api/v1/tasks/" + onGuest + "/cancel")).isEqualTo(403);
                return;
            }
            String json = mvc.perform(get("/api/v1/tasks?size=500").with(httpBasic(user, PASSWORD))).andReturn()
                    .getResponse().getContentAsString();
            List<Long> seen = JsonPath.<List<Number>>read(json, "$.items[*].id").stream().map(Number::longValue)
                    .toList();
            assertThat(seen).as(user).contains(onGuest);
            assertThat(seen).as(user).contains(onHost);
            assertThat(call(user, HttpMethod.POST, "/api/v1/tasks/" + onGuest + "/cancel")).as(user + " cancel")
                    .isEqualTo(mayOperate ? 200 : 403);
        } finally {
            taskRepository.finish(onGuest, Task.State.CANCELLED, "test over");
            taskRepository.finish(onHost, Task.State.CANCELLED, "test over");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void hostStorageAndNetworkPagesShowChangesToAdminAndOperatorOnly(String user, boolean mayOperate)
            throws Exception {
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        Map<String, String> changes = Map.of("/hosts/" + host, "Maintenance…", "/hosts/" + host + "/storage",
                "New pool", "/hosts/" + host + "/networks", "Make network", "/hosts", ">Register</button>");
        for (Map.Entry<String, String> page : changes.entrySet()) {
            MockHttpServletResponse response = mvc.perform(get(page.getKey()).with(asUser)).andReturn().getResponse();
            String html = response.getContentAsString();
            if (user.equals("m-helpdesk")) {
                assertThat(response.getStatus()).as(user + " " + page.getKey()).isEqualTo(403); // no host page at all
            } else if (mayOperate) {
                assertThat(html).as(user + " " + page.getKey()).contains(page.getValue());
            } else {
                assertThat(html).as(user + " " + page.getKey()).doesNotContain(page.getValue());
            }
        }
        String guests = mvc.perform(get("/guests").with(asUser)).andReturn().getResponse().getContentAsString();
        assertThat(guests.contains("/actions/poweroff")).as(user + " power buttons").isEqualTo(mayOperate);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void usersAreManagedByAdminOnlyAndEveryoneKeepsTheirOwnAccount(String user, boolean mayOperate) throws Exception {
        boolean admin = user.equals("m-admin");
        String none = "/api/v1/users/999999";
        assertThat(call(user, HttpMethod.GET, "/api/v1/users")).as(user + " list users").isEqualTo(admin ? 200 : 403);
        assertThat(callWithBody(user, "/api/v1/users", "{\"username\":\"not valid\"}")).as(user + " create user")
                .isEqualTo(admin ? 400 : 403);
        assertThat(call(user, HttpMethod.GET, none)).as(user + " read user").isEqualTo(admin ? 404 : 403);
        assertThat(callWithBody(user, HttpMethod.PATCH, none, "{\"enabled\":false}")).as(user + " change user")
                .isEqualTo(admin ? 404 : 403);
        assertThat(callWithBody(user, none + "/password", "{\"password\":\"Long-Enough-Pass-1\"}"))
                .as(user + " reset password").isEqualTo(admin ? 404 : 403);
        RequestPostProcessor asUser = user(user).roles(user.substring(2).toUpperCase());
        assertThat(mvc.perform(get("/admin/users").with(asUser)).andReturn().getResponse().getStatus())
                .as(user + " users page").isEqualTo(admin ? 200 : 403);
        assertThat(mvc.perform(get("/admin/users/999999").with(asUser)).andReturn().getResponse().getStatus())
                .as(user + " user page").isEqualTo(admin ? 404 : 403);
        assertThat(mvc.perform(post("/admin/users").param("username", "not valid").with(asUser).with(csrf()))
                .andReturn().getResponse().getStatus()).as(user + " create from the page").isEqualTo(admin ? 302 : 403);
        for (String change : List.of("role", "enabled", "password")) {
            assertThat(mvc.perform(post("/admin/users/999999/" + change).param("role", "VIEWER")
                            .param("enabled", "false").param("password", "Long-Enough-Pass-1").with(asUser).with(csrf()))
                    .andReturn().getResponse().getStatus()).as(user + " " + change + " from the page")
                    .isEqualTo(admin ? 404 : 403);
        }
        // one's own account: every role; a wrong current password is refused for what it is, not for who asks
        assertThat(call(user, HttpMethod.GET, "/api/v1/me")).as(user + " me").isEqualTo(200);
        assertThat(callWithBody(user, "/api/v1/me/password", "{\"currentPassword\":\"no\",\"newPassword\":\"x\"}"))
                .as(user + " own password").isEqualTo(400);
        assertThat(mvc.perform(get("/account").with(asUser)).andReturn().getResponse().getStatus())
                .as(user + " account page").isEqualTo(200);
        assertThat(mvc.perform(post("/account/password").param("currentPassword", "no").param("newPassword", "x")
                .with(asUser).with(csrf())).andReturn().getResponse().getStatus()).as(user + " own password page")
                .isEqualTo(302);
        assertThat(call(user, HttpMethod.GET, "/api/v1/me/tokens")).as(user + " own tokens").isEqualTo(200);
        assertThat(callWithBody(user, "/api/v1/me/tokens", "{}")).as(user + " token without a name").isEqualTo(400);
        assertThat(call(user, HttpMethod.DELETE, "/api/v1/me/tokens/999999")).as(user + " revoke").isEqualTo(404);
        assertThat(mvc.perform(post("/account/tokens").with(asUser).with(csrf())).andReturn().getResponse()
                .getStatus()).as(user + " token from the page").isEqualTo(302);
        assertThat(mvc.perform(post("/account/tokens/999999/revoke").with(asUser).with(csrf())).andReturn()
                .getResponse().getStatus()).as(user + " revoke from the page").isEqualTo(404);
    }

    @Test
    void withoutCredentialsTheApiAnswers401AndPagesAskForLogin() throws Exception {
        mvc.perform(get("/api/v1/guests")).andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.status").value(401));
        mvc.perform(post("/api/v1/guests/" + guest + "/actions/poweroff")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/guests").with(httpBasic("m-admin", "wrong"))).andExpect(status().isUnauthorized());
        mvc.perform(get("/guests")).andExpect(status().is3xxRedirection());
    }

    @Test
    void helpdeskPagesShowNoPowerButtonsAndPagePostsAreRefused() throws Exception {
        String page = mvc.perform(get("/guests").with(user("m-helpdesk").roles("HELPDESK")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        // guests and their consoles, nothing more: no hosts, no tasks, no audit trail
        assertThat(page).contains("alpha-web").doesNotContain("/actions/").doesNotContain("Power off")
                .doesNotContain(">Hosts<").doesNotContain(">Audit<").doesNotContain(">Tasks<");
        String detail = mvc.perform(get("/guests/" + guest).with(user("m-helpdesk").roles("HELPDESK")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(detail).doesNotContain("/actions/").doesNotContain("Delete").doesNotContain(">History<");
        assertThat(mvc.perform(get("/guests/" + guest).with(user("m-viewer").roles("VIEWER"))).andReturn()
                .getResponse().getContentAsString()).contains(">History<");

        String operatorPage = mvc.perform(get("/guests").with(user("m-operator").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(operatorPage).contains("/actions/poweroff").contains("Power off");

        mvc.perform(post("/guests/" + guest + "/actions/poweroff").with(user("m-helpdesk").roles("HELPDESK"))
                .with(csrf())).andExpect(status().isForbidden());
        mvc.perform(get("/hosts").with(user("m-helpdesk").roles("HELPDESK"))).andExpect(status().isForbidden());
        // a form post without the CSRF token is refused before any service runs
        mvc.perform(post("/guests/" + guest + "/actions/poweroff").with(user("m-operator").roles("OPERATOR")))
                .andExpect(status().isForbidden());
    }

    /**
     * One request as each role, and what each gets (admin, operator, help desk, viewer). The requests change nothing:
     * those the role allows are refused for what they ask (no such object, bad input; 302 on a page with the reason
     * shown) or only read.
     */
    private record Row(String method, String path, String body, int admin, int operator, int helpdesk, int viewer) {

        int expected(String user) {
            return switch (user) {
                case "m-admin" -> admin;
                case "m-operator" -> operator;
                case "m-helpdesk" -> helpdesk;
                default -> viewer;
            };
        }
    }

    private List<Row> remainingRows() {
        String g = "/guests/" + guest;
        String h = "/hosts/" + host;
        return List.of(
                // REST
                new Row("DELETE", "/api/v1" + g + "/disks/zz", null, 400, 400, 403, 403),
                new Row("POST", "/api/v1" + g + "/disks/zz/grow", "{\"sizeMiB\":1}", 400, 400, 403, 403),
                new Row("POST", "/api/v1" + g + "/disks/zz/move", "{\"pool\":\"none\"}", 400, 400, 403, 403),
                new Row("POST", "/api/v1" + g + "/disks", "{\"pool\":\"none\",\"volume\":\"x\"}", 400, 400, 403,
                        403),
                new Row("POST", "/api/v1" + g + "/cdrom/insert", "{\"pool\":\"none\",\"volume\":\"x\"}", 400, 400,
                        403, 403),
                // alpha-web has no CD-ROM drive
                new Row("POST", "/api/v1" + g + "/cdrom/eject", "{}", 409, 409, 403, 403),
                new Row("GET", "/api/v1" + g + "/limits", null, 200, 200, 200, 200),
                // a guest's CPU: the host's offer is read with the host; a change is an operator's (a bad mode: 400)
                new Row("GET", "/api/v1" + h + "/cpu-models", null, 200, 200, 403, 200),
                new Row("PATCH", "/api/v1" + g, "{\"cpu\":{\"mode\":\"fast\"}}", 400, 400, 403, 403),
                // tasks about the objects each may read the history of (help desk none); an unseen task is missing
                new Row("GET", "/api/v1/tasks", null, 200, 200, 403, 200),
                new Row("GET", "/api/v1" + g + "/ha", null, 200, 200, 200, 200),
                // cloud-init: read with the guest (it has none here), changed by those who operate it (it runs: 409)
                new Row("GET", "/api/v1" + g + "/cloud-init", null, 404, 404, 404, 404),
                new Row("PUT", "/api/v1" + g + "/cloud-init", "{\"hostname\":\"web\"}", 409, 409, 403, 403),
                new Row("PUT", "/api/v1" + g + "/ha", "{}", 400, 400, 403, 403),
                new Row("GET", "/api/v1/ha", null, 200, 200, 403, 200),
                new Row("POST", "/api/v1" + h + "/confirm-down", "", 409, 403, 403, 403),
                new Row("GET", "/api/v1/anti-affinity-groups", null, 200, 200, 403, 200),
                new Row("PUT", "/api/v1/anti-affinity-groups/matrix-none", "{\"guests\":[]}", 400, 400, 403, 403),
                new Row("DELETE", "/api/v1/anti-affinity-groups/matrix-none", null, 404, 404, 403, 403),
                new Row("GET", "/api/v1/tasks/999999", null, 404, 404, 403, 404),
                // bulk actions: for those who may act on guests; the body is read after that (no action: 400)
                new Row("POST", "/api/v1/guests/bulk-actions", "{}", 400, 400, 403, 403),
                new Row("GET", "/api/v1/guests/bulk-actions/999999", null, 404, 404, 404, 404),
                new Row("POST", "/api/v1/guests/bulk-actions/999999/cancel", "", 404, 404, 404, 404),
                new Row("POST", "/api/v1/tasks/999999/cancel", "", 404, 404, 403, 404),
                new Row("POST", "/api/v1" + h + "/networks/none/state", "{\"active\":true}", 404, 404, 403, 403),
                // a required field is read after the permission check: a malformed body is a 400 only to those
                // who may act, a 403 to others and a 404 where the host is unseen
                new Row("POST", "/api/v1" + h + "/maintenance", "{}", 400, 400, 403, 403),
                new Row("POST", "/api/v1/hosts/999999/maintenance", "{}", 404, 404, 404, 404),
                new Row("POST", "/api/v1" + h + "/networks/none/state", "{}", 400, 400, 403, 403),
                new Row("PUT", "/api/v1" + h + "/networks/none/autostart", "{\"autostart\":\"yes\"}", 400, 400, 403,
                        403),
                new Row("PUT", "/api/v1" + h + "/pools/none/autostart", "{}", 400, 400, 403, 403),
                new Row("PUT", "/api/v1" + h + "/imports", "", 400, 400, 403, 403),
                // pages: reading
                new Row("GET", "/", null, 302, 302, 302, 302),
                new Row("GET", "/audit", null, 200, 200, 403, 200),
                new Row("GET", "/audit/export", null, 200, 200, 403, 200),
                new Row("GET", h + "/import", null, 200, 200, 403, 403),
                new Row("GET", h + "/import/none", null, 404, 404, 403, 403),
                new Row("GET", "/console/sessions", null, 200, 403, 403, 403),
                new Row("GET", "/events", null, 200, 200, 200, 200),
                new Row("GET", g + "/console", null, 200, 200, 200, 403),
                new Row("GET", g + "/console/status", null, 200, 200, 200, 200),
                // the confirmation is asked only of those who may delete
                new Row("GET", g + "/delete", null, 200, 200, 403, 403),
                new Row("GET", g + "/cloud-init", null, 200, 200, 403, 403),
                // it runs: the page shows the refusal (409) to those who may change it
                new Row("POST", g + "/cloud-init", "hostname=web", 409, 409, 403, 403),
                new Row("GET", g + "/header", null, 200, 200, 200, 200),
                new Row("GET", g + "/row", null, 200, 200, 200, 200),
                new Row("GET", g + "/migrate", null, 200, 200, 403, 403),
                // the action bar: nothing selected comes back to the list with the reason, for those who may act
                new Row("POST", "/guests/bulk-actions/confirm", "action=start", 302, 302, 403, 403),
                new Row("POST", "/guests/bulk-actions/confirm", "action=start&guestIds=" + guest, 200, 200, 403, 403),
                new Row("POST", "/guests/bulk-actions", "action=start", 302, 302, 403, 403),
                new Row("GET", "/guests/bulk-actions/999999", null, 404, 404, 404, 404),
                new Row("GET", "/guests/bulk-actions/999999/progress", null, 404, 404, 404, 404),
                new Row("POST", "/guests/bulk-actions/999999/cancel", "", 404, 404, 404, 404),
                new Row("GET", g + "/xml", null, 200, 200, 200, 200),
                new Row("GET", h + "/maintenance", null, 200, 200, 403, 403),
                new Row("GET", h + "/networks", null, 200, 200, 403, 200),
                new Row("GET", h + "/storage", null, 200, 200, 403, 200),
                new Row("GET", "/tasks", null, 200, 200, 403, 200),
                new Row("GET", "/tasks/drawer", null, 200, 200, 403, 200),
                new Row("GET", h + "/storage/none/volumes/none/content", null, 404, 404, 403, 403),
                new Row("PUT", h + "/storage/none/volumes/none/content", "", 404, 404, 403, 403),
                // pages: changing, refused for what they ask by those allowed
                new Row("POST", "/console/sessions/none/close", "", 404, 403, 403, 403),
                new Row("POST", g + "/console/ticket", "", 409, 409, 409, 403),
                // the serial console: a ticket (the test driver opens no console, which only the WebSocket finds);
                // taking it from whoever holds it is for those who may operate the guest
                new Row("GET", g + "/serial-console", null, 200, 200, 200, 403),
                new Row("POST", g + "/serial-console/ticket", "", 200, 200, 200, 403),
                new Row("POST", g + "/serial-console/ticket?force=true", "", 200, 200, 403, 403),
                new Row("POST", "/api/v1" + g + "/serial-console?force=true", "", 200, 200, 403, 403),
                new Row("GET", g + "/ha", null, 200, 200, 200, 200),
                new Row("GET", g + "/agent", null, 200, 200, 200, 200),
                new Row("GET", "/ha", null, 200, 200, 403, 200),
                new Row("POST", g + "/ha", "enabled=true&priority=500", 200, 200, 403, 403),
                new Row("GET", "/ha/anti-affinity-groups/choices?q=a", null, 200, 200, 403, 403),
                // a group of no guests: the form again with the reason, for those who may make groups
                new Row("POST", "/ha/anti-affinity-groups", "name=matrix-none", 200, 200, 403, 403),
                new Row("POST", "/ha/anti-affinity-groups/matrix-none/delete", "", 404, 404, 403, 403),
                // no such guest or host: 404 to every role that may read them, before what it may change is asked
                new Row("POST", "/guests/999999/delete", "", 404, 404, 404, 404),
                new Row("POST", g + "/disks", "pool=none&sizeMiB=1", 302, 302, 403, 403),
                new Row("POST", g + "/disks/zz/remove", "", 302, 302, 403, 403),
                new Row("POST", g + "/disks/attach", "volume=none/x", 302, 302, 403, 403),
                new Row("POST", g + "/disks/move", "target=zz&pool=none", 302, 302, 403, 403),
                new Row("POST", g + "/cdrom/insert", "image=none/x", 302, 302, 403, 403),
                new Row("POST", g + "/cdrom/eject", "", 302, 302, 403, 403),
                new Row("POST", g + "/migrate", "targetHostId=" + host, 409, 409, 403, 403),
                new Row("POST", g + "/nics", "network=none", 302, 302, 403, 403),
                new Row("POST", g + "/nics/52:54:00:ff:ff:ff/remove", "", 404, 404, 403, 403),
                new Row("POST", "/hosts", "name=&uri=", 302, 302, 403, 403),
                // a host no one may see is a 404 to every role, as a missing one
                new Row("POST", "/hosts/999999/maintenance", "", 404, 404, 404, 404),
                new Row("POST", h + "/maintenance/leave", "", 302, 302, 403, 403),
                new Row("POST", h + "/networks", "name=x&mode=vlan", 302, 302, 403, 403),
                new Row("POST", h + "/networks/none/delete", "", 404, 404, 403, 403),
                new Row("POST", h + "/networks/default/dhcp-hosts", "mac=bad&ip=192.168.122.5", 302, 302, 403, 403),
                new Row("POST", "/hosts/999999/remove", "", 404, 404, 404, 404),
                new Row("POST", h + "/storage/pools", "name=&type=dir", 302, 302, 403, 403),
                new Row("POST", h + "/storage/pools/none/autostart", "autostart=true", 404, 404, 403, 403),
                new Row("POST", h + "/storage/pools/none/delete", "", 404, 404, 403, 403),
                new Row("POST", h + "/storage/none/volumes", "name=x&sizeMiB=1&format=qcow2", 404, 404, 403, 403),
                new Row("POST", h + "/storage/none/volumes/none/delete", "", 404, 404, 403, 403),
                new Row("POST", "/tasks/999999/cancel", "", 404, 404, 403, 404),
                new Row("PUT", h + "/imports?fileName=disk.vmdk", "", 400, 400, 403, 403),
                // grants and groups: ADMIN's
                new Row("GET", "/api/v1/grants", null, 200, 403, 403, 403),
                new Row("POST", "/api/v1/grants", "{}", 400, 403, 403, 403),
                new Row("DELETE", "/api/v1/grants/999999", null, 404, 403, 403, 403),
                new Row("GET", "/api/v1/groups", null, 200, 403, 403, 403),
                new Row("POST", "/api/v1/groups", "{}", 400, 403, 403, 403),
                new Row("DELETE", "/api/v1/groups/999999", null, 404, 403, 403, 403),
                new Row("PUT", "/api/v1/groups/999999/members/nobody", null, 404, 403, 403, 403),
                new Row("DELETE", "/api/v1/groups/999999/members/nobody", null, 404, 403, 403, 403),
                new Row("GET", "/grants", null, 200, 403, 403, 403),
                new Row("POST", "/grants", "subject=user&name=nobody&path=/&role=VIEWER", 302, 403, 403, 403),
                new Row("POST", "/grants/groups", "name=", 302, 403, 403, 403),
                new Row("POST", "/grants/groups/999999/delete", "", 404, 403, 403, 403),
                new Row("POST", "/grants/groups/999999/members", "username=nobody", 404, 403, 403, 403),
                new Row("POST", "/grants/groups/999999/members/nobody/remove", "", 404, 403, 403, 403),
                new Row("POST", "/grants/999999/remove", "", 404, 403, 403, 403),
                new Row("POST", h + "/import/none", "pool=default&name=d", 404, 404, 403, 403),
                new Row("POST", h + "/import/none/discard", "", 404, 404, 403, 403),
                // backups: stores and jobs read by those who may read their host (help desk: none listed), a guest's
                // backups by those who may read its history; missing ones are missing to all
                new Row("GET", "/api/v1/backup-stores", null, 200, 200, 200, 200),
                new Row("POST", "/api/v1/backup-stores", "{}", 400, 400, 403, 403),
                new Row("GET", "/api/v1/backup-stores/999999", null, 404, 404, 404, 404),
                new Row("DELETE", "/api/v1/backup-stores/999999", null, 404, 404, 404, 404),
                new Row("GET", "/api/v1" + g + "/backups", null, 200, 200, 403, 200),
                new Row("POST", "/api/v1" + g + "/backups", "{}", 400, 400, 403, 403),
                new Row("GET", "/api/v1/backups/999999", null, 404, 404, 404, 404),
                new Row("POST", "/api/v1/backups/999999/restore", "{}", 404, 404, 404, 404),
                new Row("POST", "/api/v1/backups/999999/verify", "{}", 404, 404, 404, 404),
                new Row("GET", "/api/v1/backup-jobs", null, 200, 200, 200, 200),
                new Row("POST", "/api/v1/backup-jobs", "{}", 400, 400, 403, 403),
                new Row("GET", "/api/v1/backup-jobs/999999", null, 404, 404, 404, 404),
                new Row("DELETE", "/api/v1/backup-jobs/999999", null, 404, 404, 404, 404),
                new Row("POST", "/api/v1/backup-jobs/999999/run", "", 404, 404, 404, 404),
                new Row("GET", g + "/backups", null, 200, 200, 403, 200),
                new Row("POST", g + "/backups", "", 302, 302, 403, 403),
                new Row("POST", g + "/backups/999999/restore", "name=x", 302, 302, 302, 302),
                new Row("PUT", "/api/v1/backup-stores/999999", "{\"name\":\"x\"}", 404, 404, 404, 404),
                new Row("PUT", "/api/v1/backup-jobs/999999", "{}", 404, 404, 404, 404),
                new Row("GET", "/api/v1/backup-jobs/next-runs?schedule=@daily", null, 200, 200, 403, 200),
                // the Backups page: read by those who may read some host, its forms for those who may operate one
                new Row("GET", "/backups", null, 200, 200, 403, 200),
                new Row("GET", "/backups/stores/new", null, 200, 200, 403, 403),
                new Row("POST", "/backups/stores", "name=", 400, 400, 403, 403),
                new Row("GET", "/backups/stores/pools?hostId=999999", null, 200, 200, 403, 403),
                new Row("GET", "/backups/stores/999999/edit", null, 404, 404, 404, 404),
                new Row("POST", "/backups/stores/999999", "name=x", 404, 404, 404, 404),
                new Row("GET", "/backups/stores/999999/delete", null, 404, 404, 404, 404),
                new Row("POST", "/backups/stores/999999/delete", "", 404, 404, 404, 404),
                new Row("GET", "/backups/jobs/new", null, 200, 200, 403, 403),
                new Row("POST", "/backups/jobs", "name=", 400, 400, 403, 403),
                new Row("GET", "/backups/jobs/next-runs?schedule=@daily", null, 200, 200, 403, 200),
                new Row("GET", "/backups/jobs/999999/edit", null, 404, 404, 404, 404),
                new Row("POST", "/backups/jobs/999999", "name=x", 404, 404, 404, 404),
                new Row("GET", "/backups/jobs/999999/delete", null, 404, 404, 404, 404),
                new Row("POST", "/backups/jobs/999999/delete", "", 404, 404, 404, 404),
                new Row("POST", "/backups/jobs/999999/run", "", 404, 404, 404, 404),
                // tags: read by every role with the objects; changed by those who may configure the object
                new Row("GET", "/api/v1/tags", null, 200, 200, 200, 200),
                new Row("PUT", "/api/v1" + g + "/tags", "{\"tags\":[\"matrix\"]}", 200, 200, 403, 403),
                new Row("POST", "/api/v1" + g + "/tags", "{\"tags\":[\"Matrix\"]}", 400, 400, 403, 403),
                new Row("DELETE", "/api/v1" + g + "/tags/matrix", null, 200, 200, 403, 403),
                new Row("PUT", "/api/v1" + h + "/tags", "{}", 400, 400, 403, 403),
                new Row("POST", "/api/v1" + h + "/tags", "{\"tags\":[\"matrix\"]}", 200, 200, 403, 403),
                new Row("DELETE", "/api/v1" + h + "/tags/matrix", null, 200, 200, 403, 403),
                new Row("POST", g + "/tags", "tags=matrix-page", 302, 302, 403, 403),
                new Row("POST", g + "/tags/remove", "tag=matrix-page", 302, 302, 403, 403),
                new Row("POST", h + "/tags", "tags=matrix-page", 302, 302, 403, 403),
                new Row("POST", h + "/tags/remove", "tag=matrix-page", 302, 302, 403, 403),
                // alert targets: read by all but help desk, changed and tested by administrators; a missing one is
                // missing to every role that may read targets (a change asks for the target before the right)
                new Row("GET", "/api/v1/alert-targets", null, 200, 200, 403, 200),
                new Row("POST", "/api/v1/alert-targets", "{}", 400, 403, 403, 403),
                new Row("GET", "/api/v1/alert-targets/999999", null, 404, 404, 403, 404),
                new Row("PUT", "/api/v1/alert-targets/999999", "{}", 404, 404, 404, 404),
                new Row("DELETE", "/api/v1/alert-targets/999999", null, 404, 404, 404, 404),
                new Row("POST", "/api/v1/alert-targets/999999/test", "", 404, 404, 404, 404),
                new Row("GET", "/alerts/targets", null, 200, 200, 403, 200),
                new Row("GET", "/alerts/targets/new", null, 200, 403, 403, 403),
                new Row("POST", "/alerts/targets", "name=&kind=WEBHOOK", 400, 403, 403, 403),
                new Row("GET", "/alerts/targets/999999/edit", null, 404, 403, 403, 403),
                new Row("POST", "/alerts/targets/999999", "name=x", 404, 404, 404, 404),
                new Row("POST", "/alerts/targets/999999/test", "", 404, 404, 404, 404),
                new Row("GET", "/alerts/targets/999999/delete", null, 404, 403, 403, 403),
                new Row("POST", "/alerts/targets/999999/delete", "", 404, 404, 403, 404),
                // alerts and alert rules: read and acknowledged by all but help desk, rules changed by administrators
                new Row("GET", "/api/v1/alerts", null, 200, 200, 403, 200),
                new Row("GET", "/api/v1/alerts?state=BURNING", null, 400, 400, 403, 400),
                new Row("GET", "/api/v1/alerts/999999", null, 404, 404, 403, 404),
                new Row("POST", "/api/v1/alerts/999999/acknowledge", "{}", 404, 404, 404, 404),
                new Row("GET", "/api/v1/alert-rules", null, 200, 200, 403, 200),
                new Row("POST", "/api/v1/alert-rules", "{}", 400, 403, 403, 403),
                new Row("GET", "/api/v1/alert-rules/999999", null, 404, 404, 403, 404),
                new Row("PUT", "/api/v1/alert-rules/999999", "{}", 404, 404, 404, 404),
                new Row("DELETE", "/api/v1/alert-rules/999999", null, 404, 404, 404, 404),
                new Row("GET", "/alerts", null, 200, 200, 403, 200),
                new Row("POST", "/alerts/999999/acknowledge", "note=x", 404, 404, 404, 404),
                new Row("GET", "/alerts/rules", null, 200, 200, 403, 200),
                new Row("GET", "/alerts/rules/new", null, 200, 403, 403, 403),
                new Row("POST", "/alerts/rules", "name=&kind=HOST_LOST", 400, 403, 403, 403),
                new Row("GET", "/alerts/rules/999999/edit", null, 404, 403, 403, 403),
                new Row("POST", "/alerts/rules/999999", "name=x", 404, 404, 404, 404),
                new Row("GET", "/alerts/rules/999999/delete", null, 404, 403, 403, 403),
                new Row("POST", "/alerts/rules/999999/delete", "", 404, 404, 403, 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void theRemainingEndpointsAnswerEachRoleAsItsRightsSay(String user, boolean mayOperate) throws Exception {
        List<String> wrong = new java.util.ArrayList<>();
        for (Row row : remainingRows()) {
            MockHttpServletRequestBuilder request = request(HttpMethod.valueOf(row.method()), row.path());
            if (row.path().startsWith("/api/")) {
                request.with(httpBasic(user, PASSWORD));
                if (row.body() != null) {
                    request.contentType(MediaType.APPLICATION_JSON).content(row.body());
                }
            } else {
                request.with(user(user).roles(user.substring(2).toUpperCase())).with(csrf());
                if (row.body() != null && !row.body().isEmpty()) {
                    for (String pair : row.body().split("&")) {
                        String[] kv = pair.split("=", 2);
                        request.param(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                }
            }
            int status = mvc.perform(request).andReturn().getResponse().getStatus();
            if (status != row.expected(user)) {
                wrong.add(row.method() + " " + row.path() + ": " + status + ", expected " + row.expected(user));
            }
        }
        assertThat(wrong).as(user).isEmpty();
    }

    /**
     * Issue 9's generated matrix: every mapped endpoint must be asked about by some test above, so that a new endpoint
     * cannot escape the role check. Runs last, once the others have recorded what they reached.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyMappedEndpointIsInTheMatrix() {
        Set<String> mapped = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPathPatternsCondition().getPatterns()
                .forEach(pattern -> (info.getMethodsCondition().getMethods().isEmpty()
                        ? Set.of(RequestMethod.GET) : info.getMethodsCondition().getMethods())
                        .forEach(method -> mapped.add(method.name() + " " + pattern.getPatternString()))));
        mapped.removeAll(OPEN);
        mapped.removeAll(covered);
        assertThat(mapped).as("endpoints RoleMatrixTest does not cover: add rows for them").isEmpty();
    }

    private int call(String user, HttpMethod method, String path) throws Exception {
        MockHttpServletRequestBuilder builder = request(method, path).with(httpBasic(user, PASSWORD));
        return mvc.perform(builder).andReturn().getResponse().getStatus();
    }

    private int callWithBody(String user, String path, String json) throws Exception {
        return callWithBody(user, HttpMethod.POST, path, json);
    }

    private int callWithBody(String user, HttpMethod method, String path, String json) throws Exception {
        return mvc.perform(request(method, path).with(httpBasic(user, PASSWORD)).contentType(MediaType.APPLICATION_JSON)
                .content(json)).andReturn().getResponse().getStatus();
    }
}
