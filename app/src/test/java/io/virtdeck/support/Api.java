package io.virtdeck.support;

import com.jayway.jsonpath.JsonPath;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;

/** Short REST calls for tests, as a given user with HTTP Basic, as scripts would make them. */
public final class Api {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-test-pw";

    private final MockMvc mvc;

    public Api(MockMvc mvc) {
        this.mvc = mvc;
    }

    public MockHttpServletRequestBuilder get(String path) {
        return MockMvcRequestBuilders.get(path).with(httpBasic(ADMIN, ADMIN_PASSWORD));
    }

    public MockHttpServletRequestBuilder post(String path, String json) {
        return MockMvcRequestBuilders.post(path).with(httpBasic(ADMIN, ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json);
    }

    public MockHttpServletRequestBuilder put(String path, String json) {
        return MockMvcRequestBuilders.put(path).with(httpBasic(ADMIN, ADMIN_PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).content(json);
    }

    public MockHttpServletRequestBuilder delete(String path) {
        return MockMvcRequestBuilders.delete(path).with(httpBasic(ADMIN, ADMIN_PASSWORD));
    }

    /** Registers a host as admin and returns its id. */
    public long registerHost(String name, String uri) throws Exception {
        String body = mvc.perform(post("/api/v1/hosts", "{\"name\":\"" + name + "\",\"uri\":\"" + uri + "\"}"))
                .andReturn().getResponse().getContentAsString();
        Number id = JsonPath.read(body, "$.id");
        return id.longValue();
    }

    /** The id of the host of this name, registering it first when this application does not know it yet. */
    public long hostIdOrRegister(String name, String uri) throws Exception {
        java.util.List<Number> known = JsonPath.read(getJson("/api/v1/hosts"), "$[?(@.name == '" + name + "')].id");
        return known.isEmpty() ? registerHost(name, uri) : known.get(0).longValue();
    }

    /** As {@link #hostIdOrRegister}, once Virtdeck's connection to the host is up (a lab host may take seconds). */
    public long connectedHost(String name, String uri) throws Exception {
        long id = hostIdOrRegister(name, uri);
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> getJson("/api/v1/hosts/" + id),
                body -> "CONNECTED".equals(JsonPath.read(body, "$.state")));
        return id;
    }

    /** A guest of a lab host, by ids. */
    public record LabGuest(long hostId, long guestId) {
    }

    /**
     * The Debian guest debian12 on lab1 (built the first time it is asked for, see {@link Lab#debian()}), with lab1
     * registered here and connected.
     */
    public LabGuest debian12() throws Exception {
        Lab.debian();
        long lab1 = connectedHost("lab1", Lab.LAB1);
        long debian = await().atMost(java.time.Duration.ofSeconds(30)).until(() -> guestId(lab1, "debian12"),
                id -> id > 0);
        return new LabGuest(lab1, debian);
    }

    /** The body of a GET as admin (for polling in lambdas, failures are unchecked). */
    public String getJson(String path) {
        try {
            return mvc.perform(get(path)).andReturn().getResponse().getContentAsString();
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        }
    }

    /** A one-time console ticket's WebSocket path ({@code /console/ws?ticket=...}), as an API client gets it. */
    public String consolePath(long guestId) throws Exception {
        String body = mvc.perform(post("/api/v1/guests/" + guestId + "/console", "")).andReturn().getResponse()
                .getContentAsString();
        return JsonPath.read(body, "$.url");
    }

    /** A password the policy accepts, for users tests make. */
    public static final String USER_PASSWORD = "Tall-Ships-Sail-9";

    /** Creates a user as admin with {@link #USER_PASSWORD} and returns its id. */
    public long createUser(String username, String role) throws Exception {
        String body = mvc.perform(post("/api/v1/users", "{\"username\":\"" + username + "\",\"password\":\""
                        + USER_PASSWORD + "\",\"role\":\"" + role + "\"}")).andReturn().getResponse()
                .getContentAsString();
        Number id = JsonPath.read(body, "$.id");
        return id.longValue();
    }

    /** How many audit entries record this action on an object of this name. */
    public static long audited(JdbcClient jdbc, String action, String objectName) {
        return jdbc.sql("SELECT count(*) FROM audit_events WHERE action = :a AND object_name = :n")
                .param("a", action).param("n", objectName).query(Long.class).single();
    }

    /** The task's JSON once it has ended (SUCCEEDED, FAILED or CANCELLED), waiting up to {@code limit}. */
    public String taskWhenDone(long taskId, java.time.Duration limit) {
        return await().atMost(limit).until(() -> getJson("/api/v1/tasks/" + taskId),
                json -> java.util.List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(JsonPath.read(json, "$.state")));
    }

    /**
     * The task a 202 answer started, once it has ended: the test fails (showing the task) unless it SUCCEEDED. Its JSON.
     */
    public String succeeded(org.springframework.test.web.servlet.ResultActions accepted, java.time.Duration limit)
            throws Exception {
        Number id = JsonPath.read(accepted.andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers
                .status().isAccepted()).andReturn().getResponse().getContentAsString(), "$.id");
        String done = taskWhenDone(id.longValue(), limit);
        org.assertj.core.api.Assertions.assertThat(JsonPath.<String>read(done, "$.state")).as(done)
                .isEqualTo("SUCCEEDED");
        return done;
    }

    /** The id of the guest with this name on this host, once the inventory has it. */
    public long guestId(long hostId, String name) throws Exception {
        String body = await().atMost(java.time.Duration.ofSeconds(10)).until(
                () -> getJson("/api/v1/guests?host=" + hostId + "&q=" + name), json -> ((Number) JsonPath.read(json, "$.total")).intValue() > 0);
        Number id = JsonPath.read(body, "$.items[0].id");
        return id.longValue();
    }
}
