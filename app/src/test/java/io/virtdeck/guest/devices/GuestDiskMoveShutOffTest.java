package io.virtdeck.guest.devices;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.support.Api;
import io.virtdeck.support.TestHosts;
import io.virtdeck.support.VirtdeckIntegrationTest;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Moving a disk of a shut-off guest on libvirt's test driver (small-host.xml: gamma-build shut off on
 * default/gamma-build.qcow2), which copies volumes only within a pool: a copy libvirt refuses, and a copy made but
 * then not used (the guest found running when its definition is to change), leave the definition as it was and no
 * copy behind. A shut-off guest with snapshots, and a paused one, are refused. The move itself is proved on the lab
 * (GuestDiskMoveLabTest).
 */
@VirtdeckIntegrationTest
class GuestDiskMoveShutOffTest {

    private static final UUID GAMMA = UUID.fromString("33333333-3333-4333-8333-333333333333");
    private static final UUID ALPHA = UUID.fromString("11111111-1111-4111-8111-111111111111");
    private static final String FAST = "/srv/fast-images";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DomainGateway domainGateway;
    @Autowired
    StorageGateway storageGateway;
    @Autowired
    GuestRepository guests;
    @Autowired
    TaskService tasks;
    @Autowired
    DiskMove moving;

    Api api;
    long host;
    long gamma;

    @BeforeEach
    void hostWithASecondPool() throws Exception {
        api = new Api(mvc);
        host = api.registerHost("move-off-" + System.nanoTime(), TestHosts.smallHost());
        gamma = api.guestId(host, "gamma-build");
        mvc.perform(api.post("/api/v1/hosts/" + host + "/pools",
                "{\"name\":\"fast\",\"type\":\"dir\",\"path\":\"" + FAST + "\"}")).andExpect(status().isCreated());
    }

    @AfterEach
    void nobody() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aCopyLibvirtRefusesLeavesTheDefinitionAsItWasAndNothingBehind() throws Exception {
        // the test driver copies a volume only within its pool: its refusal is a copy that failed (the lab moves
        // for real: GuestDiskMoveLabTest)
        String before = domainGateway.domainXml(host, GAMMA);
        String ended = api.taskWhenDone(JsonPath.<Number>read(mvc.perform(api.post("/api/v1/guests/" + gamma
                        + "/disks/vda/move", "{\"pool\":\"fast\",\"deleteSource\":true}"))
                .andExpect(status().isAccepted()).andReturn().getResponse().getContentAsString(), "$.id").longValue(),
                Duration.ofSeconds(30));

        assertThat(JsonPath.<String>read(ended, "$.state")).isEqualTo("FAILED");
        assertThat(JsonPath.<String>read(ended, "$.message"))
                .startsWith("Moving disk vda of 'gamma-build' from default/gamma-build.qcow2 to pool 'fast' failed:")
                .endsWith("It stays on default/gamma-build.qcow2. Nothing was left behind.");
        assertThat(volumes("fast")).isEmpty();
        assertThat(volumes("default")).as("the old volume, deleteSource notwithstanding").contains("gamma-build.qcow2");
        assertThat(domainGateway.domainXml(host, GAMMA)).isEqualTo(before);
        assertThat(Api.audited(jdbc, "guest.disk.move", "gamma-build")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aMoveThatFindsTheGuestRunningAtTheEndDeletesTheCopyAndLeavesTheDefinitionAsItWas() throws Exception {
        // the check saw it shut off; by the time its definition is to change, it runs (someone started it on the
        // host). Into its own pool, which the test driver copies within.
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", "pw",
                "ROLE_OPERATOR"));
        Guest alpha = guests.require(api.guestId(host, "alpha-web"));
        String before = domainGateway.domainXml(host, ALPHA);
        List<String> volumesBefore = volumes("default");
        DiskMove.Plan plan = new DiskMove.Plan(alpha, "vda", storageGateway.diskVolume(host,
                "/var/lib/libvirt/images/alpha-web.qcow2").orElseThrow(), "default", "qcow2", true, 0, false);
        List<String> failures = new ArrayList<>();
        List<String> copied = new java.util.concurrent.CopyOnWriteArrayList<>();
        long task = tasks.submit(AuditAction.GUEST_DISK_MOVE, AuditObject.guest(alpha.id(), alpha.name()), true,
                progress -> moving.run(plan, noting(progress, copied), endingInto(failures))).id();

        String ended = api.taskWhenDone(task, Duration.ofSeconds(30));

        assertThat(JsonPath.<String>read(ended, "$.state")).isEqualTo("FAILED");
        assertThat(copied).as("the copy was made").anyMatch(m -> m.startsWith("Pointing vda of 'alpha-web' at"));
        assertThat(failures).singleElement().asString()
                .startsWith("Moving disk vda of 'alpha-web' from default/alpha-web.qcow2 to pool 'default' failed:")
                .contains("started while its disk was copied")
                .endsWith("It stays on default/alpha-web.qcow2. Nothing was left behind on host '"
                        + alpha.hostName() + "'.");
        assertThat(volumes("default")).as("no copy left behind, the old volume kept").isEqualTo(volumesBefore);
        assertThat(domainGateway.domainXml(host, ALPHA)).as("the definition unchanged").isEqualTo(before);
    }

    @Test
    void aShutOffGuestWithSnapshotsAndAPausedGuestAreRefused() throws Exception {
        mvc.perform(api.post("/api/v1/guests/" + gamma + "/snapshots", "{\"name\":\"before\"}"))
                .andExpect(status().isCreated());
        mvc.perform(api.post("/api/v1/guests/" + gamma + "/disks/vda/move", "{\"pool\":\"fast\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("'gamma-build' has snapshots")));
        long beta = api.guestId(host, "beta-db");
        mvc.perform(api.post("/api/v1/guests/" + beta + "/disks/vda/move", "{\"pool\":\"fast\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.message").value(containsString("'beta-db' is paused")));
        assertThat(volumes("fast")).isEmpty();
    }

    private List<String> volumes(String pool) {
        return storageGateway.volumes(host, pool).stream().map(VolumeFacts::name).toList();
    }

    /** The task's own progress, each message also noted in {@code messages}. */
    private static TaskProgress noting(TaskProgress progress, List<String> messages) {
        return new TaskProgress() {
            @Override
            public long taskId() {
                return progress.taskId();
            }

            @Override
            public void update(int percent, String message) {
                messages.add(message);
                progress.update(percent, message);
            }

            @Override
            public boolean cancelRequested() {
                return progress.cancelRequested();
            }

            @Override
            public void onCancel(Runnable abort) {
                progress.onCancel(abort);
            }
        };
    }

    private static Ending endingInto(List<String> failures) {
        return new Ending() {
            @Override
            public void succeeded(String detail) {
            }

            @Override
            public void failed(String reason) {
                failures.add(reason);
            }

            @Override
            public Ending about(AuditObject object) {
                return this;
            }
        };
    }
}
