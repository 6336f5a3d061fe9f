package io.virtdeck.inventory;

import java.time.Duration;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@VirtdeckIntegrationTest
class HostApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;

    Api api() {
        return new Api(mvc);
    }

    @Test
    void registeringAHostConnectsAndSyncsItsGuests() throws Exception {
        String uri = TestHosts.smallHost();
        mvc.perform(api().post("/api/v1/hosts", "{\"name\":\"reg-1\",\"uri\":\"" + uri + "\"}"))
                .andExpect(status().isCreated())
                .andExpect(header().exists("Location"))
                .andExpect(jsonPath("$.name").value("reg-1"))
                .andExpect(jsonPath("$.uri").value(uri));
        long id = hostId("reg-1");

        String host = await().atMost(Duration.ofSeconds(10)).until(() -> json("/api/v1/hosts/" + id),
                body -> "CONNECTED".equals(JsonPath.read(body, "$.state"))
                        && ((Number) JsonPath.read(body, "$.guestCount")).intValue() == 3);
        assertThat(JsonPath.<Integer>read(host, "$.cpus")).isEqualTo(8);
        assertThat(JsonPath.<Integer>read(host, "$.memoryMiB")).isEqualTo(16384);
        assertThat(JsonPath.<String>read(host, "$.capabilities.hypervisorType")).isEqualTo("TEST");
        assertThat(JsonPath.<Integer>read(host, "$.capabilities.numaCells")).isEqualTo(1);

        String guests = json("/api/v1/guests?host=" + id + "&sort=name");
        assertThat(JsonPath.<java.util.List<String>>read(guests, "$.items[*].name"))
                .containsExactly("alpha-web", "beta-db", "gamma-build");
        assertThat(JsonPath.<java.util.List<String>>read(guests, "$.items[*].state"))
                .containsExactly("RUNNING", "PAUSED", "SHUTOFF");
        String detail = json("/api/v1/guests/" + JsonPath.read(guests, "$.items[0].id"));
        assertThat(JsonPath.<String>read(detail, "$.uuid")).isEqualTo("11111111-1111-4111-8111-111111111111");
        assertThat(JsonPath.<Integer>read(detail, "$.memoryMiB")).isEqualTo(1024);
        assertThat(JsonPath.<String>read(detail, "$.disks[0].source"))
                .isEqualTo("/var/lib/libvirt/images/alpha-web.qcow2");
        assertThat(JsonPath.<String>read(detail, "$.nics[0].mac")).isEqualTo("52:54:00:00:00:01");
        assertThat(JsonPath.<String>read(detail, "$.graphics[0].type")).isEqualTo("vnc");
    }

    @Test
    void removingAHostForgetsItsGuestsButLeavesTheHostAlone() throws Exception {
        long id = api().registerHost("rm-1", TestHosts.smallHost());
        api().guestId(id, "alpha-web");

        mvc.perform(delete("/api/v1/hosts/" + id).with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNoContent());

        mvc.perform(api().get("/api/v1/hosts/" + id)).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.message").value("There is no host with id " + id + "."));
        assertThat(jdbc.sql("SELECT count(*) FROM guests WHERE host_id = :id").param("id", id)
                .query(Long.class).single()).isZero();
        assertThat(audited("host.remove", "rm-1")).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedWithTheFieldNamedAndNothingStored() throws Exception {
        long before = hostCount();
        String good = TestHosts.smallHost();
        expectBadRequest("{\"name\":\"\",\"uri\":\"" + good + "\"}", "name");
        expectBadRequest("{\"name\":\"" + "x".repeat(65) + "\",\"uri\":\"" + good + "\"}", "name");
        expectBadRequest("{\"name\":\"<host & \\\"co\\\">\",\"uri\":\"" + good + "\"}", "name");
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"not a uri\"}", "uri");
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"http://example.com/\"}", "uri");
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"\"}", "uri");
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"test:///" + "x".repeat(600) + "\"}", "uri");
        // a well-formed URI nobody answers at: refused, not half-registered
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"qemu+tcp://127.0.0.1:1/system\"}", "uri");
        expectBadRequest("{\"name\":\"ok-name\",\"uri\":\"test:///nonexistent/host.xml\"}", "uri");
        mvc.perform(api().post("/api/v1/hosts", "{not json")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.message").value("The request body is missing or is not valid JSON."));
        assertThat(hostCount()).isEqualTo(before);
        // every refusal is in the trail, as a failure with the reason the client was given
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'host.register' AND object_name = 'ok-name'")
                .query(String.class).list()).hasSize(6).containsOnly("FAILURE");
    }

    @Test
    void aSecondHostWithTheSameNameOrUriIsAConflict() throws Exception {
        String uri = TestHosts.smallHost();
        api().registerHost("dup-1", uri);
        mvc.perform(api().post("/api/v1/hosts", "{\"name\":\"DUP-1\",\"uri\":\"" + TestHosts.smallHost() + "\"}"))
                .andExpect(status().isConflict());
        mvc.perform(api().post("/api/v1/hosts", "{\"name\":\"dup-2\",\"uri\":\"" + uri + "\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("The URI " + uri + " is already registered."));
    }

    @Test
    void unknownIdsAre404AndMalformedIds400() throws Exception {
        mvc.perform(api().get("/api/v1/hosts/999999")).andExpect(status().isNotFound());
        mvc.perform(delete("/api/v1/hosts/999999").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());
        mvc.perform(api().get("/api/v1/hosts/abc")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("id"));
        mvc.perform(api().get("/api/v1/no-such-thing")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.message").value("There is nothing at this address."));
    }

    private void expectBadRequest(String body, String field) throws Exception {
        mvc.perform(api().post("/api/v1/hosts", body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.error").value("Bad Request"))
                .andExpect(jsonPath("$.field").value(field))
                .andExpect(jsonPath("$.message").isNotEmpty());
    }

    private long hostId(String name) {
        return jdbc.sql("SELECT id FROM hosts WHERE name = :n").param("n", name).query(Long.class).single();
    }

    private long hostCount() {
        return jdbc.sql("SELECT count(*) FROM hosts").query(Long.class).single();
    }

    private long audited(String action, String objectName) {
        return Api.audited(jdbc, action, objectName);
    }

    private String json(String path) {
        return api().getJson(path);
    }
}
