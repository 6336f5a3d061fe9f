package io.virtdeck.migration;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Placement's rule without libvirt: a guest goes to the host with the most free memory among those it may run on,
 * provided the guest's memory fits there, and that memory then counts against the host before the next guest is
 * placed (so guests placed one after another spread). Ties go to the host listed first. {@link Placement} asks it
 * with the hosts it has checked against libvirt; the capacity dashboard's N+1 check replays the loss of each host
 * with it over the inventory's figures, which is why hosts are kept ordered: a thousand guests over a thousand hosts
 * cost a thousand look-ups at the top, not a million comparisons.
 */
public final class MemoryPlacement {

    private record Room(long hostId, int order, long freeMiB) {
    }

    private static final Comparator<Room> ROOMIEST = Comparator.comparingLong(Room::freeMiB).reversed()
            .thenComparingInt(Room::order);

    private final TreeSet<Room> rooms = new TreeSet<>(ROOMIEST);
    private final Map<Long, Room> byHost = new HashMap<>();

    /** @param freeMiB each candidate host's free memory (by id), in the order ties are broken */
    public MemoryPlacement(LinkedHashMap<Long, Long> freeMiB) {
        int order = 0;
        for (Map.Entry<Long, Long> host : freeMiB.entrySet()) {
            Room room = new Room(host.getKey(), order++, host.getValue());
            rooms.add(room);
            byHost.put(room.hostId(), room);
        }
    }

    /**
     * The host for a guest of {@code memoryMiB} among those {@code allowed} (anti-affinity, say), its memory then taken
     * from that host; empty when the roomiest allowed host lacks the room (then every allowed host does).
     */
    public OptionalLong place(long memoryMiB, LongPredicate allowed) {
        for (Room room : rooms) {
            if (!allowed.test(room.hostId())) {
                continue;
            }
            if (room.freeMiB() < memoryMiB) {
                return OptionalLong.empty();
            }
            rooms.remove(room);
            Room taken = new Room(room.hostId(), room.order(), room.freeMiB() - memoryMiB);
            rooms.add(taken);
            byHost.put(taken.hostId(), taken);
            return OptionalLong.of(room.hostId());
        }
        return OptionalLong.empty();
    }

    /** The host with the most free memory, whatever it has: for hosts whose room was judged already. */
    public OptionalLong roomiest() {
        return rooms.isEmpty() ? OptionalLong.empty() : OptionalLong.of(rooms.first().hostId());
    }

    /** The host's free memory after the guests placed so far. */
    public long freeMiB(long hostId) {
        return byHost.get(hostId).freeMiB();
    }
}
