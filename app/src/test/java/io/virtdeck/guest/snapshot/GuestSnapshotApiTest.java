package io.virtdeck.guest.snapshot;

import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Snapshots and managed save against libvirt's test driver: the tree, validation, refusals, audit, the tab. */
@VirtdeckIntegrationTest
class GuestSnapshotApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TaskRepository tasks;
    @Autowired
    DomainGateway gateway;

    Api api;
    long host;
    long web;   // running
    long build; // shut off

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("snap-" + System.nanoTime(), TestHosts.smallHost());
        web = api.guestId(host, "alpha-web");
        build = api.guestId(host, "gamma-build");
    }

    @Test
    void takeRevertAndDeleteBuildATreeWithTheCurrentOneMarked() throws Exception {
        create(web, "{\"name\":\"s1\",\"description\":\"before <upgrade> & co\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.name").value("s1")).andExpect(jsonPath("$.withMemory").value(true))
                .andExpect(jsonPath("$.description").value("before <upgrade> & co"))
                .andExpect(jsonPath("$.current").value(true));
        create(web, "{\"name\":\"s2\"}").andExpect(status().isCreated());
        mvc.perform(api.post(snapshots(web) + "/s1/revert", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("RUNNING"));
        create(web, "{\"name\":\"s3\",\"withMemory\":true}").andExpect(status().isCreated());

        String tree = api.getJson(snapshots(web));
        assertThat(JsonPath.<String>read(tree, "$.current")).isEqualTo("s3");
        assertThat(JsonPath.<Integer>read(tree, "$.count")).isEqualTo(3);
        assertThat(JsonPath.<List<String>>read(tree, "$.roots[*].name")).containsExactly("s1");
        assertThat(JsonPath.<List<String>>read(tree, "$.roots[0].children[*].name")).containsExactly("s2", "s3");
        assertThat(JsonPath.<List<Boolean>>read(tree, "$.roots[0].children[*].current")).containsExactly(false, true);

        mvc.perform(delete(snapshots(web) + "/s1").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.roots[*].name").value(org.hamcrest.Matchers.contains("s2", "s3")));

        List<String> audited = jdbc.sql("""
                        SELECT action || ':' || detail FROM audit_events WHERE object_type = 'guest'
                        AND object_id = :id AND outcome = 'SUCCESS' ORDER BY id""")
                .param("id", Long.toString(web)).query(String.class).list();
        String unfrozen = "crash-consistent, no guest agent answered: not frozen (the guest has no guest agent channel)";
        assertThat(audited).containsExactly("guest.snapshot.create:snapshot 's1' (disk and memory; " + unfrozen + ")",
                "guest.snapshot.create:snapshot 's2' (disk and memory; " + unfrozen + ")",
                "guest.snapshot.revert:reverted to snapshot 's1'",
                "guest.snapshot.create:snapshot 's3' (disk and memory; " + unfrozen + ")",
                "guest.snapshot.delete:deleted snapshot 's1'");
    }

    @Test
    void aRunningGuestWithoutAnAgentIsSnapshottedUnfrozenAndSaysSo() throws Exception {
        // the test driver has no guest agent: the snapshot is taken as before, and its answer says it was not frozen
        create(web, "{\"name\":\"plain\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.name").value("plain")).andExpect(jsonPath("$.withMemory").value(true))
                .andExpect(jsonPath("$.fileSystemsFrozen").value(0))
                .andExpect(jsonPath("$.consistency").value("crash-consistent, no guest agent answered: not frozen"
                        + " (the guest has no guest agent channel)"));
        create(build, "{\"name\":\"cold\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.fileSystemsFrozen").value(0))
                .andExpect(jsonPath("$.consistency").value("the guest is shut off: its disks are at rest"));
        // no agent channel: the revert has no thaw to ask for and says nothing about it
        mvc.perform(api.post(snapshots(web) + "/plain/revert", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("RUNNING")).andExpect(jsonPath("$.name").value("alpha-web"))
                .andExpect(jsonPath("$.thaw").doesNotExist());
    }

    @Test
    void aShutOffGuestGetsADiskOnlySnapshotAndNoMemoryOne() throws Exception {
        create(build, "{\"name\":\"cold\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.withMemory").value(false))
                .andExpect(jsonPath("$.domainState").value("shutoff"));
        create(build, "{\"name\":\"warm\",\"withMemory\":true}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("withMemory"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith(
                        "'gamma-build' is shut off: it has no memory to save.")));
        create(web, "{\"name\":\"nomem\",\"withMemory\":false}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("withMemory"));
    }

    @Test
    void badNamesDuplicatesAndUnknownSnapshotsAreRefusedClearly() throws Exception {
        for (String name : List.of("", "-x", "has space", "a/b", "x".repeat(65), "<b>")) {
            create(web, "{\"name\":\"" + name + "\"}").andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.field").value("name"));
        }
        create(web, "{}").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("name"));
        create(web, "{\"name\":\"ok\",\"description\":\"" + "d".repeat(1001) + "\"}")
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("description"));
        create(web, "not json").andExpect(status().isBadRequest());
        create(web, "{\"name\":\"twice\"}").andExpect(status().isCreated());
        create(web, "{\"name\":\"twice\"}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.field").value("name"))
                .andExpect(jsonPath("$.message").value("'alpha-web' already has a snapshot named 'twice'."));
        mvc.perform(api.post(snapshots(web) + "/nope/revert", "")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.message").value("'alpha-web' has no snapshot named 'nope'."));
        mvc.perform(delete(snapshots(web) + "/nope").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isNotFound());
        mvc.perform(api.get("/api/v1/guests/987654/snapshots")).andExpect(status().isNotFound());
    }

    @Test
    void aGuestBusyWithATaskRefusesRevertAndDelete() throws Exception {
        create(web, "{\"name\":\"held\"}").andExpect(status().isCreated());
        tasks.insertQueued("test.hold", "admin", AuditObject.guest(web, "alpha-web"), false);
        mvc.perform(api.post(snapshots(web) + "/held/revert", "")).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith("'alpha-web' is busy")));
        mvc.perform(delete(snapshots(web) + "/held").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andExpect(status().isConflict());
        create(web, "{\"name\":\"more\"}").andExpect(status().isConflict());
    }

    @Test
    void managedSaveShowsAsSavedAndStartRestores() throws Exception {
        act(web, "save").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"))
                .andExpect(jsonPath("$.managedSave").value(true));
        String list = api.getJson("/api/v1/guests?host=" + host + "&q=alpha-web");
        assertThat(JsonPath.<List<Boolean>>read(list, "$.items[*].managedSave")).containsExactly(true);
        create(web, "{\"name\":\"while-saved\"}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("hibernated")));
        String page = mvc.perform(get("/guests/" + web).with(user("op").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains(">Saved</span>").doesNotContain(">Shut off</span>").contains(">Restore</button>");
        act(build, "save").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("Cannot hibernate 'gamma-build': it is shut off."));

        act(web, "start").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"))
                .andExpect(jsonPath("$.managedSave").value(false));
    }

    @Test
    void discardingTheSavedMemoryLeavesAPlainShutOffGuest() throws Exception {
        act(web, "discard-save").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("'alpha-web' has no saved memory to discard."));
        act(web, "save").andExpect(status().isOk()).andExpect(jsonPath("$.managedSave").value(true));
        String page = mvc.perform(get("/guests/" + web).with(user("op").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("/guests/" + web + "/actions/discard-save")
                .contains("Discard the saved memory of alpha-web? It then starts afresh");

        act(web, "discard-save").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"))
                .andExpect(jsonPath("$.managedSave").value(false));
        java.util.UUID uuid = java.util.UUID.fromString(JsonPath.read(api.getJson("/api/v1/guests/" + web), "$.uuid"));
        assertThat(gateway.domain(host, uuid).managedSave()).as("libvirt's managed save image").isFalse();
        act(web, "discard-save").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("'alpha-web' has no saved memory to discard."));
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'guest.discard-save' AND object_id = :id"
                + " ORDER BY id").param("id", Long.toString(web)).query(String.class).list())
                .containsExactly("FAILURE", "SUCCESS", "FAILURE");
    }

    @Test
    void theSnapshotsTabShowsTheTreeAndActsFromItsForms() throws Exception {
        create(web, "{\"name\":\"base\"}").andExpect(status().isCreated());
        mvc.perform(post("/guests/" + web + "/snapshots").param("name", "child").param("description", "from tab")
                        .with(user("op").roles("OPERATOR")).with(csrf()))
                .andExpect(status().is3xxRedirection())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                        .attribute("notice", "Took snapshot child (disk and memory; crash-consistent, no guest agent"
                                + " answered: not frozen (the guest has no guest agent channel))."));
        String page = mvc.perform(get("/guests/" + web + "/snapshots").with(user("op").roles("OPERATOR")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("Current: the guest was last at this snapshot").contains("from tab")
                .contains("/guests/" + web + "/snapshots/base/revert").contains("Revert alpha-web to snapshot base?")
                .contains("/guests/" + web + "/snapshots/child/delete").contains("<label for=\"snapshot-name\">")
                .contains("If its guest agent answers, its file systems are frozen for the moment of the snapshot");
        assertThat(page.indexOf("data-snapshot=\"child\"")).as("child nested after its parent")
                .isGreaterThan(page.indexOf("data-snapshot=\"base\""));

        mvc.perform(post("/guests/" + web + "/snapshots").param("name", "bad name")
                        .with(user("op").roles("OPERATOR")).with(csrf()))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                        .attribute("problem", org.hamcrest.Matchers.startsWith("A snapshot name is")));
        mvc.perform(post("/guests/" + web + "/snapshots/base/revert").with(user("op").roles("OPERATOR"))
                .with(csrf())).andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                .attribute("notice", "Reverted alpha-web to snapshot base; it is now running."));
        mvc.perform(post("/guests/" + web + "/snapshots/child/delete").with(user("op").roles("OPERATOR"))
                .with(csrf())).andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                .attribute("notice", "Deleted snapshot child."));

        String helpdesk = mvc.perform(get("/guests/" + web + "/snapshots").with(user("hd").roles("HELPDESK")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(helpdesk).contains("base").doesNotContain("/revert").doesNotContain("/delete")
                .doesNotContain("Take snapshot");
    }

    private String snapshots(long guest) {
        return "/api/v1/guests/" + guest + "/snapshots";
    }

    private ResultActions create(long guest, String json) throws Exception {
        return mvc.perform(api.post(snapshots(guest), json));
    }

    private ResultActions act(long guest, String action) throws Exception {
        return mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/" + action, ""));
    }
}
