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

class PlacementTest {

    private final FakeHosts fleet = new FakeHosts();
    private final Placement placement = new Placement(fleet.repository(), fleet.hostGateway(),
            fleet.connectionGateway(), new MigrationChecks(fleet.hostGateway(), fleet.migrationGateway(), null,
            noAntiAffinity()));
    private final Guest web = runningGuest("web", 1, 4096);

    @Test
    void amongHostsThatCanTakeTheGuestTheOneWithTheMostFreeMemoryWins() {
        fleet.add(1, "source", 65_536); // the guest's own host is never a choice, however free
        fleet.add(2, "kvm2", 8192);
        Host roomiest = fleet.add(3, "kvm3", 32_768);
        fleet.add(4, "kvm4", 16_384);

        Placement.Choice choice = placement.choose(web);

        assertThat(choice.host()).contains(roomiest);
        assertThat(choice.reasons()).isEmpty();
    }

    @Test
    void hostsThatCannotTakeTheGuestAreSkippedWithTheirReasons() {
        fleet.guestNeeds(needs(Set.of("default"), Set.of("images"), null, "x86_64", 0));
        fleet.add(1, "source", 65_536);
        fleet.add(2, "isolated", new HostResources(60_000, "x86_64", Map.of(), Map.of("images", true)), false);
        fleet.add(3, "serviced", new HostResources(50_000, "x86_64", Map.of("default", true),
                Map.of("images", true)), true);
        fleet.add(4, "gone", 40_000);
        fleet.unreachable(4);
        fleet.add(5, "full", 2048);
        Host fits = fleet.add(6, "kvm6", 8192);

        Placement.Choice choice = placement.choose(web);

        assertThat(choice.host()).contains(fits);
        assertThat(choice.reasons()).containsExactly(
                "network 'default' does not exist on host 'isolated'",
                "Host 'serviced' is in maintenance: no guests are placed there",
                "Host 'gone' cannot be reached",
                "host 'full' has 2048 MiB free; 'web' needs 4096 MiB");
    }

    @Test
    void aHostWhoseCpuLacksAFeatureTheGuestRequiresIsSkippedHoweverRoomy() {
        fleet.guestNeeds(needs(Set.of(), Set.of(), "<cpu mode='custom'><model>Westmere</model>"
                + "<feature policy='require' name='avx512f'/></cpu>", "x86_64", 0));
        fleet.add(1, "source", 65_536);
        fleet.add(2, "roomy", 60_000);
        fleet.incompatibleCpu(2);
        Host fits = fleet.add(3, "kvm3", 8192);

        Placement.Choice choice = placement.choose(web);

        assertThat(choice.host()).contains(fits);
        assertThat(choice.reasons()).containsExactly("host 'roomy' cannot give 'web' its CPU: the CPU is incompatible"
                + " with host CPU: Host CPU does not provide required features: avx512f");
    }

    @Test
    void whenNoHostFitsThereIsNoChoiceAndEveryReasonIsGiven() {
        fleet.add(1, "source", 65_536);
        fleet.add(2, "kvm2", 1024);
        fleet.add(3, "kvm3", 2048);
        fleet.incompatibleCpu(3);
        fleet.guestNeeds(needs(Set.of(), Set.of(), "<cpu/>", "x86_64", 0));

        Placement.Choice choice = placement.choose(web);

        assertThat(choice.host()).isEmpty();
        assertThat(choice.reasons()).containsExactly(
                "host 'kvm2' has 1024 MiB free; 'web' needs 4096 MiB",
                "host 'kvm3' has 2048 MiB free; 'web' needs 4096 MiB",
                "host 'kvm3' cannot give 'web' its CPU: the CPU is incompatible with host CPU: Host CPU does not"
                        + " provide required features: avx512f");
    }

    @Test
    void aGuestAloneOnTheOnlyHostHasNowhereToGo() {
        fleet.add(1, "source", 65_536);

        assertThat(placement.choose(web)).isEqualTo(new Placement.Choice(java.util.Optional.empty(),
                java.util.List.of("there is no other host")));
    }

    /** No anti-affinity group holds these guests (AntiAffinityTest has the groups). */
    static AntiAffinityGroups noAntiAffinity() {
        return new AntiAffinityGroups(org.mockito.Mockito.mock(AntiAffinityRepository.class), null, null, null);
    }
}
