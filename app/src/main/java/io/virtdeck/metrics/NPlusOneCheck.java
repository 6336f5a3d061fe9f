package io.virtdeck.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongPredicate;

import io.virtdeck.migration.MemoryPlacement;

/**
 * The N+1 check's arithmetic, without a database: the loss of each host played through with placement's rule
 * ({@link MemoryPlacement}) over every other host that takes guests. Guests that placement cannot tell apart (same
 * memory and vCPUs, in no anti-affinity group) come counted, not one by one, so the check costs as much per host as
 * the lost host has sizes of guest.
 */
final class NPlusOneCheck {

    static final int NAMED_AT_MOST = 100;

    /** A host as the check sees it: whether it takes guests (connected, not in maintenance) and what runs there. */
    record HostLoad(long id, String name, boolean takesGuests, int cpus, long memoryMiB, long vcpusAllocated,
                    long memoryAllocatedMiB) {
    }

    /**
     * {@code count} running guests of one host of one size; {@code id} and {@code name} when counted one by one
     * (members of anti-affinity {@code groups}, or the guests named in the answer), else null.
     */
    record Guests(long hostId, Long id, String name, long memoryMiB, int vcpus, long count, Set<String> groups) {
    }

    /** The order placement takes a lost host's guests in: largest first (the hardest to place), group members first. */
    static final Comparator<Guests> ORDER = Comparator.comparingLong(Guests::memoryMiB).reversed()
            .thenComparing(g -> g.groups().isEmpty())
            .thenComparing(Comparator.comparingInt(Guests::vcpus).reversed())
            .thenComparing(g -> g.name() == null ? "" : g.name());

    /** What the loss of one host leaves: guests without a place, and the room left on the others. */
    record Loss(HostLoad host, long guestsLeftOut, long memoryLeftOutMiB, List<Guests> leftOut, long guestsThatFit,
                long memoryRoomMiB) {
    }

    private final Capacity.GuestSize size;
    private final double vcpuOvercommit;
    private final double memoryOvercommit;

    NPlusOneCheck(Capacity.GuestSize size, double vcpuOvercommit, double memoryOvercommit) {
        this.size = size;
        this.vcpuOvercommit = vcpuOvercommit;
        this.memoryOvercommit = memoryOvercommit;
    }

    /** Guests of the size that fit on a host carrying {@code vcpus} and {@code memoryMiB} (none if it takes none). */
    long fits(HostLoad host, long vcpus, long memoryMiB) {
        if (!host.takesGuests()) {
            return 0;
        }
        return Math.max(0, Math.min(vcpuRoom(host, vcpus) / size.vcpus(), memoryRoom(host, memoryMiB)
                / size.memoryMiB()));
    }

    private long vcpuRoom(HostLoad host, long vcpus) {
        return (long) Math.floor(host.cpus() * vcpuOvercommit) - vcpus;
    }

    private long memoryRoom(HostLoad host, long memoryMiB) {
        return (long) Math.floor(host.memoryMiB() * memoryOvercommit) - memoryMiB;
    }

    /**
     * Every host's loss played through, by host id.
     *
     * @param groupHosts the hosts each anti-affinity group has a running member on
     */
    Map<Long, Loss> lossOfEach(List<HostLoad> hosts, Map<Long, List<Guests>> guestsByHost,
                               Map<String, Set<Long>> groupHosts) {
        long baseGuests = 0, baseMemory = 0;
        for (HostLoad host : hosts) {
            baseGuests += fits(host, host.vcpusAllocated(), host.memoryAllocatedMiB());
            baseMemory += host.takesGuests() ? Math.max(0, memoryRoom(host, host.memoryAllocatedMiB())) : 0;
        }
        Map<Long, Loss> losses = new LinkedHashMap<>();
        for (HostLoad host : hosts) {
            losses.put(host.id(), lose(host, hosts, guestsByHost.getOrDefault(host.id(), List.of()), groupHosts,
                    baseGuests, baseMemory));
        }
        return losses;
    }

    /** The worst of the losses: most memory left out, then most guests; empty when none leaves any guest out. */
    static java.util.Optional<Loss> worst(Map<Long, Loss> losses) {
        return losses.values().stream().filter(loss -> loss.guestsLeftOut() > 0)
                .max(Comparator.comparingLong(Loss::memoryLeftOutMiB).thenComparingLong(Loss::guestsLeftOut));
    }

    /**
     * The loss of {@code lost}: its running {@code guests} placed in {@link #ORDER} onto the other hosts that take
     * guests. {@code baseGuests} and {@code baseMemory} are the room of all hosts before the loss.
     */
    Loss lose(HostLoad lost, List<HostLoad> hosts, List<Guests> guests, Map<String, Set<Long>> groupHosts,
              long baseGuests, long baseMemory) {
        LinkedHashMap<Long, Long> free = new LinkedHashMap<>();
        Map<Long, HostLoad> byId = new HashMap<>();
        for (HostLoad host : guests.isEmpty() ? List.<HostLoad>of() : hosts) { // an empty host's loss moves nothing
            if (host.takesGuests() && host.id() != lost.id()) {
                free.put(host.id(), host.memoryMiB() - host.memoryAllocatedMiB());
                byId.put(host.id(), host);
            }
        }
        MemoryPlacement placement = new MemoryPlacement(free);
        Map<Long, long[]> added = new HashMap<>(); // host -> {vCPUs, MiB} placed there
        Map<String, Set<Long>> apart = new HashMap<>(); // the groups' hosts as members land, copied when touched
        List<Guests> leftOut = new ArrayList<>();
        long guestsLeftOut = 0, memoryLeftOut = 0;
        for (Guests group : guests.stream().sorted(ORDER).toList()) {
            LongPredicate allowed = host -> group.groups().stream().noneMatch(name -> apart
                    .getOrDefault(name, groupHosts.getOrDefault(name, Set.of())).contains(host));
            long missing = 0;
            for (long i = 0; i < group.count(); i++) {
                OptionalLong target = placement.place(group.memoryMiB(), allowed);
                if (target.isEmpty()) {
                    missing = group.count() - i; // the rest are the same size: none of them fits either
                    break;
                }
                long[] load = added.computeIfAbsent(target.getAsLong(), id -> new long[2]);
                load[0] += group.vcpus();
                load[1] += group.memoryMiB();
                for (String name : group.groups()) {
                    apart.computeIfAbsent(name, n -> new HashSet<>(groupHosts.getOrDefault(n, Set.of())))
                            .add(target.getAsLong());
                }
            }
            if (missing > 0) {
                leftOut.add(new Guests(group.hostId(), group.id(), group.name(), group.memoryMiB(), group.vcpus(),
                        missing, group.groups()));
                guestsLeftOut += missing;
                memoryLeftOut += missing * group.memoryMiB();
            }
        }
        if (guestsLeftOut > 0) {
            return new Loss(lost, guestsLeftOut, memoryLeftOut, leftOut, 0, 0);
        }
        // the room before, less the lost host's and what the placed guests took on the hosts that got them
        long guestsRoom = baseGuests - fits(lost, lost.vcpusAllocated(), lost.memoryAllocatedMiB());
        long memoryRoom = baseMemory - (lost.takesGuests()
                ? Math.max(0, memoryRoom(lost, lost.memoryAllocatedMiB())) : 0);
        for (Map.Entry<Long, long[]> entry : added.entrySet()) {
            HostLoad host = byId.get(entry.getKey());
            long vcpus = host.vcpusAllocated(), memory = host.memoryAllocatedMiB();
            guestsRoom -= fits(host, vcpus, memory) - fits(host, vcpus + entry.getValue()[0],
                    memory + entry.getValue()[1]);
            memoryRoom -= Math.max(0, memoryRoom(host, memory))
                    - Math.max(0, memoryRoom(host, memory + entry.getValue()[1]));
        }
        return new Loss(lost, 0, 0, List.of(), guestsRoom, memoryRoom);
    }

    /**
     * The answer for the dashboard: the worst loss, its guests named from {@code named} (the worst host's loss played
     * again with its guests one by one, which leaves out the same number of each size), the room that stays.
     */
    static NPlusOne summary(List<HostLoad> hosts, Map<Long, Loss> losses, Map<Long, List<Guests>> guestsByHost,
                            java.util.function.Function<Loss, Loss> named) {
        NPlusOne.HostRef largest = hosts.stream().max(Comparator.comparingLong(HostLoad::memoryMiB))
                .map(NPlusOneCheck::ref).orElse(null);
        int checked = (int) hosts.stream().filter(h -> !guestsByHost.getOrDefault(h.id(), List.of()).isEmpty())
                .count();
        int notToLose = (int) losses.values().stream().filter(loss -> loss.guestsLeftOut() > 0).count();
        long guestsThatFit = losses.values().stream().mapToLong(Loss::guestsThatFit).min().orElse(0);
        long memoryRoom = losses.values().stream().mapToLong(Loss::memoryRoomMiB).min().orElse(0);
        java.util.Optional<Loss> worst = worst(losses);
        if (worst.isEmpty()) {
            return new NPlusOne(true, checked, 0, largest, null, 0, 0, List.of(), guestsThatFit, memoryRoom);
        }
        Loss loss = named.apply(worst.get());
        List<NPlusOne.GuestRef> guests = loss.leftOut().stream().filter(g -> g.id() != null).limit(NAMED_AT_MOST)
                .map(g -> new NPlusOne.GuestRef(g.id(), g.name(), g.memoryMiB(), g.vcpus())).toList();
        return new NPlusOne(false, checked, notToLose, largest, ref(loss.host()), loss.guestsLeftOut(),
                loss.memoryLeftOutMiB(), guests, 0, 0);
    }

    private static NPlusOne.HostRef ref(HostLoad host) {
        return new NPlusOne.HostRef(host.id(), host.name(), host.memoryMiB());
    }
}
