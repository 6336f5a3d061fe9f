package io.virtdeck.migration;

import java.util.Map;
import java.util.Set;

import io.virtdeck.hypervisor.HostResources;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import org.junit.jupiter.api.Test;

import static io.virtdeck.migration.FakeHosts.needs;
import static io.virtdeck.migration.FakeHosts.runningGuest;
import static org.assertj.core.api.Assertions.assertThat;

class MigrationChecksTest {

    private final FakeHosts fleet = new FakeHosts();
    // the shared pools are asked about volumes only, which these rules leave aside
    private final MigrationChecks checks = new MigrationChecks(fleet.hostGateway(), fleet.migrationGateway(), null,
            noAntiAffinity());
    private final Guest web = runningGuest("web", 1, 4096);

    @Test
    void aHostThatOffersWhatTheGuestNeedsHasNoProblem() {
        Host target = fleet.add(2, "kvm2", 8192);

        assertThat(checks.problems(web, needs(Set.of("default"), Set.of("images"), "<cpu/>", "x86_64", 0), target,
                true)).isEmpty();
    }

    @Test
    void everyProblemIsASentenceNamingWhatIsMissingWhere() {
        Host target = fleet.add(2, "arm1", new HostResources(1024, "aarch64", Map.of("default", true),
                Map.of("images", false)), false);
        fleet.incompatibleCpu(2);

        assertThat(checks.problems(web, needs(Set.of("default", "backend"), Set.of("images"), "<cpu/>", "x86_64", 2),
                target, true)).containsExactly(
                "'web' has 2 snapshot(s); libvirt cannot migrate a guest with snapshots: delete them first",
                "host 'arm1' is aarch64; 'web' is x86_64",
                "network 'backend' does not exist on host 'arm1'",
                "storage pool 'images' is not active on host 'arm1'",
                "host 'arm1' has 1024 MiB free; 'web' needs 4096 MiB",
                "host 'arm1' cannot give 'web' its CPU: the CPU is incompatible with host CPU: Host CPU does not"
                        + " provide required features: avx512f");
    }

    @Test
    void anOfflineMoveNeitherNeedsActiveNetworksAndPoolsNorFreeMemory() {
        Host target = fleet.add(2, "kvm2", new HostResources(512, "x86_64", Map.of("default", false),
                Map.of("images", false)), false);

        assertThat(checks.problems(web, needs(Set.of("default"), Set.of("images", "iso"), null, "x86_64", 0), target,
                false)).containsExactly("storage pool 'iso' does not exist on host 'kvm2'");
    }

    @Test
    void aHostThatCannotBeReadIsOneProblemAndNoGuess() {
        Host target = fleet.add(2, "kvm2", 8192);
        fleet.unreadable(2);

        assertThat(checks.problems(web, needs(Set.of("default"), Set.of(), null, "x86_64", 0), target, true))
                .containsExactly("host 'kvm2' cannot be read: connection reset by peer");
    }

    /** No anti-affinity group holds these guests (AntiAffinityTest has the groups). */
    static AntiAffinityGroups noAntiAffinity() {
        return new AntiAffinityGroups(org.mockito.Mockito.mock(AntiAffinityRepository.class), null, null, null);
    }
}
