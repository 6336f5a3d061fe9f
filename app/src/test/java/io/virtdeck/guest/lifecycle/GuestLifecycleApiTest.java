package io.virtdeck.guest.lifecycle;

import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Every power action against libvirt's test driver, the 409s of actions that do not fit, and deletion. */
@VirtdeckIntegrationTest
class GuestLifecycleApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    StorageGateway storageGateway;

    Api api;
    long host;

    @BeforeEach
    void host() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("life-" + System.nanoTime(), TestHosts.smallHost());
    }

    @Test
    void eachActionMovesTheGuestAndIsAudited() throws Exception {
        long web = api.guestId(host, "alpha-web");     // running
        long db = api.guestId(host, "beta-db");        // paused
        long build = api.guestId(host, "gamma-build"); // shut off

        act(web, "suspend").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("PAUSED"));
        act(web, "resume").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        act(web, "reboot").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        act(web, "reset").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        act(web, "shutdown").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"));
        act(web, "start").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));
        act(web, "poweroff").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"));
        act(db, "poweroff").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("SHUTOFF"));
        act(build, "start").andExpect(status().isOk()).andExpect(jsonPath("$.state").value("RUNNING"));

        assertThat(jdbc.sql("SELECT state FROM guests WHERE id = :id").param("id", web).query(String.class).single())
                .isEqualTo("SHUTOFF");
        List<String> actions = jdbc.sql("""
                        SELECT action FROM audit_events WHERE object_type = 'guest' AND object_id = :id
                        AND outcome = 'SUCCESS' AND username = 'admin' ORDER BY id""")
                .param("id", Long.toString(web)).query(String.class).list();
        assertThat(actions).containsExactly("guest.suspend", "guest.resume", "guest.reboot", "guest.reset",
                "guest.shutdown", "guest.start", "guest.poweroff");
    }

    @Test
    void actionsThatDoNotFitTheStateAre409WithTheReason() throws Exception {
        long web = api.guestId(host, "alpha-web");     // running
        long db = api.guestId(host, "beta-db");        // paused
        long build = api.guestId(host, "gamma-build"); // shut off

        act(web, "start").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("Cannot start 'alpha-web': it is running."));
        act(web, "resume").andExpect(status().isConflict());
        act(db, "suspend").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value("Cannot pause 'beta-db': it is paused."));
        act(db, "reboot").andExpect(status().isConflict());
        for (String action : List.of("shutdown", "poweroff", "reboot", "reset", "suspend", "resume")) {
            act(build, action).andExpect(status().isConflict())
                    .andExpect(jsonPath("$.status").value(409))
                    .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.endsWith("it is shut off.")));
        }
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM audit_events WHERE object_id = :id AND outcome = 'FAILURE'""")
                .param("id", Long.toString(build)).query(Long.class).single()).isEqualTo(6);
    }

    @Test
    void unknownGuestsAndActionsAreRefusedClearly() throws Exception {
        act(987654, "start").andExpect(status().isNotFound())
                .andExpect(jsonPath("$.message").value("There is no guest with id 987654."));
        long web = api.guestId(host, "alpha-web");
        act(web, "explode").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("action"));
        mvc.perform(api.get("/api/v1/guests/987654")).andExpect(status().isNotFound());
    }

    @Test
    void deleteNeedsAStoppedGuestAndRemovesDisksOnlyWhenAsked() throws Exception {
        long web = api.guestId(host, "alpha-web");
        long build = api.guestId(host, "gamma-build");

        deleteGuest(web, true).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(
                        "'alpha-web' is running: shut it down or power it off before deleting it."));

        deleteGuest(build, true).andExpect(status().isOk())
                .andExpect(jsonPath("$.volumesDeleted").value(
                        org.hamcrest.Matchers.contains("/var/lib/libvirt/images/gamma-build.qcow2")));
        mvc.perform(api.get("/api/v1/guests/" + build)).andExpect(status().isNotFound());

        act(web, "poweroff").andExpect(status().isOk());
        deleteGuest(web, false).andExpect(status().isOk())
                .andExpect(jsonPath("$.volumesDeleted").isEmpty());
        String guests = api.getJson("/api/v1/guests?host=" + host);
        assertThat(JsonPath.<List<String>>read(guests, "$.items[*].name")).containsExactly("beta-db");
        assertThat(jdbc.sql("SELECT detail FROM audit_events WHERE action = 'guest.delete' AND object_id = :id "
                        + "AND outcome = 'SUCCESS'").param("id", Long.toString(web)).query(String.class).single())
                .isEqualTo("definition deleted; disks kept");
    }

    @Test
    void aGuestRemovedBehindVirtdecksBackAnswers404AndLeavesTheList() throws Exception {
        // once the first sync is over (the host turns CONNECTED after it), a stale row stays until acted on
        await().atMost(java.time.Duration.ofSeconds(10)).until(
                () -> jdbc.sql("SELECT state FROM hosts WHERE id = :id").param("id", host).query(String.class).single(),
                "CONNECTED"::equals);
        long ghost = jdbc.sql("""
                        INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib)
                        VALUES (:host, 'cccccccc-0000-4000-8000-000000000003', 'ghost', 'SHUTOFF', 1, 128)
                        RETURNING id""").param("host", host).query(Long.class).single();

        act(ghost, "start").andExpect(status().isNotFound())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.startsWith(
                        "'ghost' no longer exists on host")));
        mvc.perform(api.get("/api/v1/guests/" + ghost)).andExpect(status().isNotFound());
    }

    @Test
    void aShutdownThroughTheAgentNeedsAnAnsweringAgentAndIsOnlyForShutdown() throws Exception {
        long web = api.guestId(host, "alpha-web"); // running, no agent channel
        act(web, "shutdown?agent=true").andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("no guest agent channel")));
        act(web, "reboot?agent=true").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("agent"));
        act(web, "shutdown?agent=maybe").andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("agent"));
        // nothing happened to it, and the refusal is audited as the shutdown it was
        mvc.perform(api.get("/api/v1/guests/" + web)).andExpect(jsonPath("$.state").value("RUNNING"));
        assertThat(jdbc.sql("""
                        SELECT outcome FROM audit_events WHERE object_type = 'guest' AND object_id = :id
                        AND action = 'guest.shutdown' ORDER BY id DESC LIMIT 1""")
                .param("id", Long.toString(web)).query(String.class).single()).isEqualTo("FAILURE");
    }

    @Test
    void deletingWithDisksDeletesVolumesADiskNamesByPoolAndName() throws Exception {
        api.guestId(host, "alpha-web"); // connected and synced
        storageGateway.createVolume(host, "default", new NewVolume("by-name.qcow2", 64, "qcow2"));
        UUID uuid = UUID.randomUUID();
        // how linked clones and the lab's guests name their disks: <source pool= volume=/>, not a path
        domainGateway.defineFromDefinition(host, """
                <domain type='test'>
                  <name>by-name</name>
                  <uuid>%s</uuid>
                  <memory unit='MiB'>64</memory>
                  <os><type>hvm</type></os>
                  <devices>
                    <disk type='volume' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source pool='default' volume='by-name.qcow2'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                  </devices>
                </domain>""".formatted(uuid));
        long guest = api.guestId(host, "by-name");

        deleteGuest(guest, true).andExpect(status().isOk())
                .andExpect(jsonPath("$.volumesDeleted").value(org.hamcrest.Matchers.contains("default/by-name.qcow2")));
        assertThat(storageGateway.volume(host, "default", "by-name.qcow2")).isEmpty();
    }

    private ResultActions act(long guest, String action) throws Exception {
        return mvc.perform(api.post("/api/v1/guests/" + guest + "/actions/" + action, ""));
    }

    private ResultActions deleteGuest(long guest, boolean disks) throws Exception {
        return mvc.perform(delete("/api/v1/guests/" + guest + "?deleteDisks=" + disks)
                .with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)));
    }
}
