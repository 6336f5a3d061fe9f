package io.virtdeck.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Backup stores and runs over REST against libvirt's test driver (which has no backup API): the checks before a task
 * starts, the roles, the audit, and a backup the host refuses, which leaves a FAILED point and nothing in the store.
 * Real backups and restores are {@link BackupLabTest}'s.
 */
@VirtdeckIntegrationTest
class BackupApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BackupRepository repository;

    Api api;
    long host;
    long otherHost;
    long web;

    @BeforeEach
    void hosts() throws Exception {
        api = new Api(mvc);
        host = api.connectedHost("bk-" + System.nanoTime(), TestHosts.smallHost());
        otherHost = api.connectedHost("bk-other-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
    }

    private ResultActions createStore(String json) throws Exception {
        return mvc.perform(api.post("/api/v1/backup-stores", json));
    }

    private long store(long hostId) throws Exception {
        String name = "store-" + System.nanoTime();
        String body = createStore("{\"name\":\"" + name + "\",\"hostId\":" + hostId + ",\"pool\":\"default\"}")
                .andExpect(status().isCreated()).andExpect(jsonPath("$.name").value(name))
                .andExpect(jsonPath("$.pool").value("default")).andExpect(jsonPath("$.chains").value(0))
                .andExpect(jsonPath("$.availableMiB").isNumber())
                .andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(body, "$.id")).longValue();
    }

    @Test
    void aStoreIsAFilePoolOfAKnownHostWithANameOfItsOwn() throws Exception {
        long id = store(host);
        assertThat(api.getJson("/api/v1/backup-stores")).contains("\"id\":" + id);
        createStore("{\"name\":\"x\",\"hostId\":999999,\"pool\":\"default\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("hostId"));
        createStore("{\"name\":\"x\",\"pool\":\"default\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("hostId"));
        createStore("{\"name\":\"x\",\"hostId\":" + host + ",\"pool\":\"nope\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("pool"));
        createStore("{\"name\":\"x\",\"hostId\":" + host + "}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("pool"));
        for (String name : List.of("", "-x", "a b", "x".repeat(65))) {
            createStore("{\"name\":\"" + name + "\",\"hostId\":" + host + ",\"pool\":\"default\"}")
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("name"));
        }
        String taken = JsonPath.read(api.getJson("/api/v1/backup-stores/" + id), "$.name");
        createStore("{\"name\":\"" + taken + "\",\"hostId\":" + otherHost + ",\"pool\":\"default\"}")
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("name"));
        createStore("{\"name\":\"again\",\"hostId\":" + host + ",\"pool\":\"default\"}")
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("pool"));
        assertThat(jdbc.sql("SELECT count(*) FROM backup_stores WHERE host_id = :h").param("h", host)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'backup.store.create'"
                + " AND object_name = :n ORDER BY id").param("n", taken).query(String.class).list())
                .as("made, then the refusal of the same name").containsExactly("SUCCESS", "FAILURE");
    }

    @Test
    void badBackupRequestsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        backUp(web, "{}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("storeId"));
        backUp(web, "{\"storeId\":999999}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("storeId"));
        assertThat(jdbc.sql("SELECT count(*) FROM backup_chains").query(Long.class).single()
                - chainsBefore).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM tasks WHERE object_type = 'guest' AND object_id = :id")
                .param("id", Long.toString(web)).query(Long.class).single()).isZero();
    }

    private long chainsBefore;

    @BeforeEach
    void countChains() {
        chainsBefore = jdbc.sql("SELECT count(*) FROM backup_chains").query(Long.class).single();
    }

    @Test
    void aBackupTheHostCannotDoFailsItsTaskAndLeavesNoFileInTheStore() throws Exception {
        long storeId = store(host);
        String volumesBefore = api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes");
        Number task = JsonPath.read(backUp(web, "{\"storeId\":" + storeId + "}").andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString(), "$.id");
        String done = api.taskWhenDone(task.longValue(), Duration.ofSeconds(30));
        assertThat(JsonPath.<String>read(done, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(done, "$.message"))
                .startsWith("The full backup (the first backup of 'alpha-web' in store '").contains("did not begin");
        // the test driver's hosts share their guests' UUIDs: this store's points only
        List<BackupPoint> points = repository.pointsOfGuest(repository.findPointByTask(task.longValue())
                .orElseThrow().guestUuid()).stream().filter(p -> p.storeId() == storeId).toList();
        assertThat(points).extracting(BackupPoint::state).containsExactly(BackupPoint.State.FAILED);
        assertThat(points.get(0).fullReason()).startsWith("the first backup of 'alpha-web'");
        assertThat(api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes"))
                .as("the targets made before libvirt refused are deleted").isEqualTo(volumesBefore);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'backup.run' AND outcome = 'FAILURE'"
                + " AND object_id = :id").param("id", Long.toString(web)).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aBackupToAStoreOnAnotherHostIsAcceptedAndLeavesNoFileOnEitherHostWhenItCannotBegin() throws Exception {
        long elsewhere = store(otherHost);
        String guestHostBefore = api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes");
        String storeHostBefore = api.getJson("/api/v1/hosts/" + otherHost + "/pools/default/volumes");
        Number task = JsonPath.read(backUp(web, "{\"storeId\":" + elsewhere + "}").andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString(), "$.id");
        String done = api.taskWhenDone(task.longValue(), Duration.ofSeconds(30));
        assertThat(JsonPath.<String>read(done, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(done, "$.message")).contains("did not begin");
        assertThat(api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes")).isEqualTo(guestHostBefore);
        assertThat(api.getJson("/api/v1/hosts/" + otherHost + "/pools/default/volumes")).isEqualTo(storeHostBefore);
        assertThat(jdbc.sql("SELECT count(*) FROM unfinished_work_items").query(Long.class).single())
                .as("nothing staged stays recorded").isZero();
    }

    @Test
    void aDirectoryOfTheServerIsAStoreAdministratorsMakeAndViewersRead(@TempDir Path directory) throws Exception {
        String name = "dir-" + System.nanoTime();
        String json = "{\"name\":\"" + name + "\",\"directory\":\"" + directory + "\"}";
        mvc.perform(as(post("/api/v1/backup-stores"), "OPERATOR").contentType("application/json").content(json))
                .andExpect(status().isForbidden());
        for (String bad : List.of("relative/dir", directory.resolve("missing").toString())) {
            createStore("{\"name\":\"" + name + "\",\"directory\":\"" + bad + "\"}")
                    .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("directory"));
        }
        createStore("{\"name\":\"" + name + "\",\"hostId\":" + host + ",\"pool\":\"default\",\"directory\":\""
                + directory + "\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("directory"));
        String made = createStore(json).andExpect(status().isCreated())
                .andExpect(jsonPath("$.directory").value(directory.toString()))
                .andExpect(jsonPath("$.hostId").isEmpty()).andExpect(jsonPath("$.availableMiB").isNumber())
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(made, "$.id")).longValue();
        createStore("{\"name\":\"other-" + name + "\",\"directory\":\"" + directory + "/\"}")
                .andExpect(status().isConflict()).andExpect(jsonPath("$.field").value("directory"));
        mvc.perform(as(get("/api/v1/backup-stores/" + id), "VIEWER")).andExpect(status().isOk());
        mvc.perform(as(get("/api/v1/backup-stores/" + id), "HELPDESK")).andExpect(status().isForbidden());

        Number task = JsonPath.read(backUp(web, "{\"storeId\":" + id + "}").andExpect(status().isAccepted())
                .andReturn().getResponse().getContentAsString(), "$.id");
        String done = api.taskWhenDone(task.longValue(), Duration.ofSeconds(30));
        assertThat(JsonPath.<String>read(done, "$.state")).isEqualTo("FAILED"); // the test driver backs nothing up
        try (var files = Files.list(directory)) {
            assertThat(files).as("nothing written in the directory").isEmpty();
        }
    }

    @Test
    void operatorsAndAdminsActViewersReadHelpDeskSeesNothing() throws Exception {
        long storeId = store(host);
        String json = "{\"name\":\"r-" + System.nanoTime() + "\",\"hostId\":" + host + ",\"pool\":\"default\"}";
        // reading a guest's backups and the stores
        for (String role : List.of("ADMIN", "OPERATOR", "VIEWER")) {
            mvc.perform(as(get("/api/v1/guests/" + web + "/backups"), role)).andExpect(status().isOk());
            mvc.perform(as(get("/api/v1/backup-stores/" + storeId), role)).andExpect(status().isOk());
            assertThat(mvc.perform(as(get("/api/v1/backup-stores"), role)).andReturn().getResponse()
                    .getContentAsString()).contains("\"id\":" + storeId);
        }
        mvc.perform(as(get("/api/v1/guests/" + web + "/backups"), "HELPDESK")).andExpect(status().isForbidden());
        mvc.perform(as(get("/api/v1/backup-stores/" + storeId), "HELPDESK")).andExpect(status().isForbidden());
        mvc.perform(as(get("/api/v1/backup-stores"), "HELPDESK")).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(0));
        // acting
        for (String role : List.of("VIEWER", "HELPDESK")) {
            mvc.perform(as(post("/api/v1/backup-stores"), role).contentType("application/json").content(json))
                    .andExpect(status().isForbidden());
            mvc.perform(as(post("/api/v1/guests/" + web + "/backups"), role).contentType("application/json")
                    .content("{\"storeId\":" + storeId + "}")).andExpect(status().isForbidden());
        }
        for (String role : List.of("OPERATOR", "ADMIN")) {
            mvc.perform(as(post("/api/v1/backup-stores"), role).contentType("application/json")
                            .content("{\"name\":\"" + role + System.nanoTime() + "\",\"hostId\":" + otherHost
                                    + ",\"pool\":\"default\"}"))
                    .andExpect(result -> assertThat(result.getResponse().getStatus()).isIn(201, 409));
            Number task = JsonPath.read(mvc.perform(as(post("/api/v1/guests/" + web + "/backups"), role)
                    .contentType("application/json").content("{\"storeId\":" + storeId + "}"))
                    .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString(), "$.id");
            api.taskWhenDone(task.longValue(), Duration.ofSeconds(30));
        }
        assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'backup.run' AND object_id = :id"
                + " AND detail LIKE 'not permitted%'").param("id", Long.toString(web)).query(Long.class).single())
                .as("refusals are audited too").isEqualTo(2);
    }

    private ResultActions backUp(long guestId, String json) throws Exception {
        return mvc.perform(api.post("/api/v1/guests/" + guestId + "/backups", json));
    }

    private static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder request, String role) {
        return request.with(user(role.toLowerCase() + "-bk").roles(role));
    }
}
