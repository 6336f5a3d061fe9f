package io.virtdeck.backup;

import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A backup task left running by a Virtdeck that stopped, on libvirt's test driver (which keeps no backup jobs): with
 * nothing telling that the backup completed, the next start takes it back (its target volume deleted) and closes it
 * as failed, saying why. (A backup libvirt completed meanwhile is BackupFaultsLabTest's and BackupKilledLabTest's.)
 */
@VirtdeckIntegrationTest
class BackupRecoveryTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BackupRepository repository;
    @Autowired
    TaskService tasks;

    @Test
    void aBackupNothingSaysCompletedIsTakenBackAndClosedAsFailed() throws Exception {
        Api api = new Api(mvc);
        long host = api.connectedHost("recover-" + System.nanoTime(), TestHosts.smallHost());
        long guest = api.guestId(host, "alpha-web");
        UUID uuid = UUID.fromString(JsonPath.read(api.getJson("/api/v1/guests/" + guest), "$.uuid"));
        long store = JsonPath.<Number>read(mvc.perform(api.post("/api/v1/backup-stores", "{\"name\":\"recover-"
                        + System.nanoTime() + "\",\"hostId\":" + host + ",\"pool\":\"default\"}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString(), "$.id").longValue();
        long chain = repository.insertChain(store, uuid, "alpha-web", host);
        String volume = BackupChains.volumeName("alpha-web", chain, 0, "vda");
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools/default/volumes", "{\"name\":\"" + volume
                + "\",\"sizeMiB\":1,\"format\":\"qcow2\"}")).andExpect(status().isCreated());
        long task = jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, object_name, cancellable,
                                           started_at)
                        VALUES ('backup.run', 'RUNNING', 'operator1', 'guest', :id, 'alpha-web', TRUE, now())
                        RETURNING id""").param("id", Long.toString(guest)).query(Long.class).single();
        long point = repository.insertPoint(chain, 0, BackupChains.checkpointName(chain, 0), task, "<domain/>",
                "the first backup", List.of(new BackupPoint.Disk("vda", "default/alpha-web.qcow2", volume, 1 << 20)));

        try {
            tasks.settleOrphans(); // what the next start does
            closedAsFailed(api, host, task, point, volume);
        } finally {
            // the test driver's guests share their UUIDs across hosts: other tests' Backups tabs start empty
            jdbc.sql("DELETE FROM backup_chains WHERE id = :id").param("id", chain).update();
        }
    }

    private void closedAsFailed(Api api, long host, long task, long point, String volume) {

        String closed = api.taskWhenDone(task, java.time.Duration.ofSeconds(60)); // followed again till it ends
        assertThat(JsonPath.<String>read(closed, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(closed, "$.message")).startsWith("Virtdeck stopped during this backup of"
                + " 'alpha-web'; it was not completed (libvirt could not tell how it ended: ")
                .endsWith("). Its partial files were deleted; the next backup continues from the one before.");
        BackupPoint failed = repository.findPoint(point).orElseThrow();
        assertThat(failed.state()).isEqualTo(BackupPoint.State.FAILED);
        assertThat(failed.failure()).isEqualTo(JsonPath.<String>read(closed, "$.message"));
        assertThat(api.getJson("/api/v1/hosts/" + host + "/pools/default/volumes")).doesNotContain(volume);
        assertThat(jdbc.sql("SELECT outcome FROM audit_events WHERE action = 'backup.run' AND username = 'operator1'")
                .query(String.class).list()).containsExactly("FAILURE");
    }
}
