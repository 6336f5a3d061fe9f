package io.virtdeck.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The loss of each host played through with placement's rule, over inventory figures. */
class NPlusOneCheckTest {

    private final NPlusOneCheck check = new NPlusOneCheck(new Capacity.GuestSize(1, 1024), 4.0, 1.0);

    private static NPlusOneCheck.HostLoad host(long id, String name, long memoryMiB, long allocatedMiB) {
        return new NPlusOneCheck.HostLoad(id, name, true, 16, memoryMiB, 0, allocatedMiB);
    }

    private static NPlusOneCheck.Guests counted(long host, long memoryMiB, long count) {
        return new NPlusOneCheck.Guests(host, null, null, memoryMiB, 1, count, Set.of());
    }

    private static NPlusOneCheck.Guests named(long host, long id, String name, long memoryMiB, String... groups) {
        return new NPlusOneCheck.Guests(host, id, name, memoryMiB, 1, 1, Set.of(groups));
    }

    private NPlusOne run(List<NPlusOneCheck.HostLoad> hosts, Map<Long, List<NPlusOneCheck.Guests>> guests,
                         Map<String, Set<Long>> groupHosts) {
        Map<Long, NPlusOneCheck.Loss> losses = check.lossOfEach(hosts, guests, groupHosts);
        return NPlusOneCheck.summary(hosts, losses, guests, worst -> worst);
    }

    @Test
    void aFleetWithRoomForAnyOneHostsGuestsHolds() {
        List<NPlusOneCheck.HostLoad> hosts = List.of(host(1, "kvm1", 16384, 8192), host(2, "kvm2", 16384, 4096),
                host(3, "kvm3", 32768, 2048));
        Map<Long, List<NPlusOneCheck.Guests>> guests = Map.of(1L, List.of(counted(1, 4096, 2)),
                2L, List.of(counted(2, 4096, 1)), 3L, List.of(counted(3, 2048, 1)));

        NPlusOne result = run(hosts, guests, Map.of());

        assertThat(result.holds()).isTrue();
        assertThat(result.hostsChecked()).isEqualTo(3);
        assertThat(result.largestHost().name()).isEqualTo("kvm3");
        assertThat(result.worstHost()).isNull();
        assertThat(result.guests()).isEmpty();
        // free 8 + 12 + 30 GiB = 50; losing kvm3 (30 free, 2 used) leaves the least: 50 - 30 - 2 = 18 GiB
        assertThat(result.memoryRoomMiB()).isEqualTo(18 * 1024);
        assertThat(result.guestsThatFit()).isEqualTo(18);
    }

    @Test
    void aFleetThatCannotLoseItsLargestHostNamesTheGuestsLeftOut() {
        List<NPlusOneCheck.HostLoad> hosts = List.of(host(1, "big", 32768, 24576), host(2, "small", 16384, 8192));
        Map<Long, List<NPlusOneCheck.Guests>> guests = Map.of(
                1L, List.of(named(1, 11, "db-3", 8192), named(1, 12, "db-1", 8192), named(1, 13, "db-2", 8192)),
                2L, List.of(named(2, 21, "web-1", 8192)));

        NPlusOne result = run(hosts, guests, Map.of());

        assertThat(result.holds()).isFalse();
        assertThat(result.worstHost().name()).isEqualTo("big");
        assertThat(result.hostsNotToLose()).isEqualTo(1); // small's guest fits on big
        assertThat(result.guestsLeftOut()).isEqualTo(2);
        assertThat(result.memoryLeftOutMiB()).isEqualTo(16384);
        // placed largest first, then by name: db-1 finds small's 8 GiB, db-2 and db-3 find nothing
        assertThat(result.guests()).extracting(NPlusOne.GuestRef::name).containsExactly("db-2", "db-3");
        assertThat(result.guestsThatFit()).isZero();
    }

    @Test
    void countedGuestsLeaveOutAsManyAsNamedOnesWould() {
        List<NPlusOneCheck.HostLoad> hosts = List.of(host(1, "big", 32768, 24576), host(2, "small", 16384, 8192));

        NPlusOneCheck.Loss loss = check.lose(hosts.get(0), hosts, List.of(counted(1, 8192, 3)), Map.of(), 0, 0);

        assertThat(loss.guestsLeftOut()).isEqualTo(2);
        assertThat(loss.leftOut()).singleElement().extracting(NPlusOneCheck.Guests::count).isEqualTo(2L);
    }

    @Test
    void membersOfAnAntiAffinityGroupAreKeptApartAsPlacementKeepsThem() {
        // the roomiest host, kvm2, runs db-b: db-a may not go there, and kvm3 has too little room
        List<NPlusOneCheck.HostLoad> hosts = List.of(host(1, "kvm1", 16384, 4096), host(2, "kvm2", 16384, 4096),
                host(3, "kvm3", 16384, 14336));
        Map<Long, List<NPlusOneCheck.Guests>> guests = Map.of(1L, List.of(named(1, 1, "db-a", 4096, "dbs")),
                2L, List.of(named(2, 2, "db-b", 4096, "dbs")), 3L, List.of(counted(3, 2048, 7)));

        NPlusOne apart = run(hosts, guests, Map.of("dbs", Set.of(1L, 2L)));
        NPlusOne together = run(hosts, Map.of(1L, List.of(named(1, 1, "db-a", 4096)),
                2L, List.of(named(2, 2, "db-b", 4096)), 3L, List.of(counted(3, 2048, 7))), Map.of());

        assertThat(apart.holds()).isFalse();
        assertThat(apart.guests()).extracting(NPlusOne.GuestRef::name).containsExactly("db-a");
        assertThat(together.holds()).isTrue();
    }

    @Test
    void aHostInMaintenanceOrUnreachableTakesNoGuests() {
        List<NPlusOneCheck.HostLoad> hosts = List.of(host(1, "kvm1", 16384, 4096),
                new NPlusOneCheck.HostLoad(2, "kvm2", false, 16, 65536, 0, 0));

        NPlusOne result = run(hosts, Map.of(1L, List.of(named(1, 1, "web", 4096))), Map.of());

        assertThat(result.holds()).isFalse();
        assertThat(result.worstHost().name()).isEqualTo("kvm1");
        assertThat(result.largestHost().name()).isEqualTo("kvm2");
    }
}
