package io.virtdeck.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.virtdeck.core.Role;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Every REST endpoint that names a guest or a host, generated from the application's own handler mappings, against
 * every role granted on each scope (everything, the guest's host, another host, the guest itself, a tag the guest
 * carries) and against a user with no grant: 404 where the user holds no role on the object (the same text as a missing object), 403 where
 * the role held does not permit the endpoint, and anything else (2xx, or 4xx about the request itself) where it does.
 * Every request has an empty body, so a required field read before the permission check would show as a 400 here.
 * The expectation is written out here, apart from {@link Action}, so the two are checked against each other.
 */
@VirtdeckIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantMatrixTest {

    /** What each endpoint needs, as the README's roles say; by HTTP method unless named here. */
    private enum Need { READ_GUEST, READ_HISTORY, READ_HOST, CONSOLE, OPERATE, ADMINISTER_EVERYTHING }

    private static final Map<Need, Set<Role>> PERMITTED = Map.of(
            Need.READ_GUEST, EnumSet.allOf(Role.class),
            Need.READ_HISTORY, EnumSet.of(Role.ADMIN, Role.OPERATOR, Role.VIEWER),
            Need.READ_HOST, EnumSet.of(Role.ADMIN, Role.OPERATOR, Role.VIEWER),
            Need.CONSOLE, EnumSet.of(Role.ADMIN, Role.OPERATOR, Role.HELPDESK),
            Need.OPERATE, EnumSet.of(Role.ADMIN, Role.OPERATOR),
            // and on `/` only (a host's credentials: paths name files on the Virtdeck server)
            Need.ADMINISTER_EVERYTHING, EnumSet.of(Role.ADMIN));

    /** GETs that are not reads for everyone: they prepare or carry out a change. */
    private static final List<String> OPERATE_GETS = List.of("/api/v1/guests/{id}/migrate/targets",
            "/api/v1/hosts/{id}/pools/{pool}/volumes/{volume}/content", "/api/v1/hosts/{id}/imports",
            "/api/v1/hosts/{id}/imports/{stage}");

    /** A guest's GETs that are its history, which help desk does not read: its backups. */
    private static final List<String> HISTORY_GETS = List.of("/api/v1/guests/{id}/backups");

    /** Allowed, these would take the fixture away (RoleMatrixTest and GrantsTest prove them allowed). */
    private static final List<String> NOT_CARRIED_OUT = List.of("DELETE /api/v1/guests/{id}",
            "DELETE /api/v1/hosts/{id}");

    private enum Scope { EVERYTHING, GUESTS_HOST, OTHER_HOST, GUEST, GUESTS_TAG, NONE }

    /** The tag the guest carries (its host does not): a grant on it is a grant on the guest alone. */
    private static final String TAG = "matrix-customer";

    private record Endpoint(HttpMethod method, String pattern) {
        boolean onGuest() {
            return pattern.startsWith("/api/v1/guests/{id}");
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    UserAccountRepository users;
    @Autowired
    GrantRepository grants;

    long host;
    long otherHost;
    long guest;

    @BeforeAll
    void hostsAndGrants() throws Exception {
        Api api = new Api(mvc);
        host = api.registerHost("grant-matrix-a", TestHosts.smallHost());
        otherHost = api.registerHost("grant-matrix-b", TestHosts.smallHost());
        guest = api.guestId(host, "alpha-web");
        assertThat(mvc.perform(api.put("/api/v1/guests/" + guest + "/tags", "{\"tags\":[\"" + TAG + "\"]}"))
                .andReturn().getResponse().getStatus()).isEqualTo(200);
        for (Role role : Role.values()) {
            for (Scope scope : Scope.values()) {
                String name = userName(role, scope);
                users.createIfAbsent(name, "{noop}unused", null);
                long id = grants.userId(name).orElseThrow();
                ObjectRef object = switch (scope) {
                    case EVERYTHING -> ObjectRef.root();
                    case GUESTS_HOST -> ObjectRef.host(host);
                    case OTHER_HOST -> ObjectRef.host(otherHost);
                    case GUEST -> ObjectRef.guest(guest);
                    case GUESTS_TAG -> ObjectRef.tag(TAG);
                    case NONE -> null;
                };
                if (object != null) {
                    grants.insert(id, null, object, role, "test");
                }
            }
        }
    }

    private static String userName(Role role, Scope scope) {
        return "gm-" + role.name().toLowerCase() + "-" + scope.name().toLowerCase().replace('_', '-');
    }

    @TestFactory
    Stream<DynamicTest> everyObjectEndpointForEveryRoleAndScope() {
        List<Endpoint> endpoints = endpoints();
        // the generator must find the object endpoints, or this test would pass on nothing
        assertThat(endpoints).hasSizeGreaterThan(40)
                .contains(new Endpoint(HttpMethod.POST, "/api/v1/guests/{id}/actions/{action}"),
                        new Endpoint(HttpMethod.POST, "/api/v1/guests/{id}/console"),
                        new Endpoint(HttpMethod.DELETE, "/api/v1/hosts/{id}/pools/{pool}"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (Role role : Role.values()) {
                for (Scope scope : Scope.values()) {
                    tests.add(DynamicTest.dynamicTest(endpoint + " as " + role + " on " + scope,
                            () -> check(endpoint, role, scope)));
                }
            }
        }
        return tests.stream();
    }

    private void check(Endpoint endpoint, Role role, Scope scope) throws Exception {
        boolean holdsRole = switch (scope) {
            case EVERYTHING, GUESTS_HOST -> true;
            case GUEST, GUESTS_TAG -> endpoint.onGuest();
            case OTHER_HOST, NONE -> false;
        };
        Need need = need(endpoint);
        boolean permitted = holdsRole && PERMITTED.get(need).contains(role)
                && (need != Need.ADMINISTER_EVERYTHING || scope == Scope.EVERYTHING);
        if (permitted && NOT_CARRIED_OUT.contains(endpoint.toString())) {
            return;
        }
        long id = endpoint.onGuest() ? guest : host;
        MockHttpServletResponse response = mvc.perform(request(endpoint.method(), path(endpoint, id))
                        .with(user(userName(role, scope)).authorities(List.of()))
                        // an empty body and no query: the object's 404 or the role's 403 comes before any 400
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse();
        String hidden = "There is no " + (endpoint.onGuest() ? "guest" : "host") + " with id " + id + ".";
        String body = response.getContentAsString();
        String as = endpoint + " as " + role + " on " + scope + ": " + body;
        if (!holdsRole) {
            assertThat(response.getStatus()).as(as).isEqualTo(404);
            assertThat(body).as(as).contains(hidden);
        } else if (!permitted) {
            assertThat(response.getStatus()).as(as).isEqualTo(403);
        } else {
            assertThat(response.getStatus()).as(as).isNotIn(401, 403).isLessThan(500);
            assertThat(body).as(as).doesNotContain(hidden);
        }
    }

    private static Need need(Endpoint endpoint) {
        if (endpoint.pattern().equals("/api/v1/hosts/{id}/credentials")
                || endpoint.pattern().equals("/api/v1/hosts/{id}/confirm-down")) {
            return Need.ADMINISTER_EVERYTHING;
        }
        if (endpoint.pattern().equals("/api/v1/guests/{id}/console")
                || endpoint.pattern().equals("/api/v1/guests/{id}/serial-console")) {
            return Need.CONSOLE;
        }
        if (endpoint.method() != HttpMethod.GET || OPERATE_GETS.contains(endpoint.pattern())) {
            return Need.OPERATE;
        }
        if (HISTORY_GETS.contains(endpoint.pattern())) {
            return Need.READ_HISTORY;
        }
        return endpoint.onGuest() ? Need.READ_GUEST : Need.READ_HOST;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)(:([^}]*))?}");

    /** The pattern with the object's id and harmless values for the rest (names that exist nowhere). */
    private static String path(Endpoint endpoint, long id) {
        Matcher matcher = VARIABLE.matcher(endpoint.pattern());
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String value = switch (matcher.group(1)) {
                case "id" -> Long.toString(id);
                case "mac" -> "52:54:00:00:00:99";
                // a guest action that changes nothing on a running guest (409), or a pool refresh of a missing pool
                case "action" -> matcher.group(3) != null ? matcher.group(3).split("\\|")[3] : "resume";
                default -> "matrix-none";
            };
            matcher.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(path);
        return path.toString();
    }

    /** Every /api/v1 endpoint whose first variable is a guest's or a host's id. */
    private List<Endpoint> endpoints() {
        List<Endpoint> found = new ArrayList<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/v1/guests/{id}") && !pattern.startsWith("/api/v1/hosts/{id}")) {
                    continue;
                }
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    found.add(new Endpoint(HttpMethod.valueOf(method.name()), pattern));
                }
            }
        });
        found.sort((a, b) -> a.toString().compareTo(b.toString()));
        return found;
    }
}
