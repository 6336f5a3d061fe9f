package io.virtdeck.metrics;

import java.util.List;

/**
 * OpenAPI: the {@code nPlusOne} of GET /api/v1/dashboard/capacity. Whether the visible fleet can lose any one host and
 * still run every running guest, each lost guest placed as maintenance and HA place them (the host with the most free
 * memory that has room, members of an anti-affinity group kept apart, hosts in maintenance or unreachable passed by).
 * Memory is read from the inventory (what running guests were given), not from libvirt: networks, storage and CPU
 * models, which placement also checks, are taken as matching.
 *
 * @param holds          true when the loss of any one host leaves no guest without a place
 * @param hostsChecked   hosts whose loss was played through (those running guests)
 * @param hostsNotToLose hosts whose loss would leave guests without a place
 * @param largestHost    the host with the most memory
 * @param worstHost      the host whose loss leaves the most memory without a place (null when {@code holds})
 * @param guestsLeftOut  how many of the worst host's guests would find no place
 * @param memoryLeftOutMiB their memory
 * @param guests         those guests, largest first ({@link NPlusOneCheck#NAMED_AT_MOST} at most)
 * @param guestsThatFit  guests of the asked size that still fit once the worst loss was placed (0 when it does not)
 * @param memoryRoomMiB  memory still free once the worst loss was placed (0 when it does not)
 */
public record NPlusOne(boolean holds, int hostsChecked, int hostsNotToLose, HostRef largestHost, HostRef worstHost,
                       long guestsLeftOut, long memoryLeftOutMiB, List<GuestRef> guests, long guestsThatFit,
                       long memoryRoomMiB) {

    public record HostRef(long id, String name, long memoryMiB) {
    }

    public record GuestRef(long id, String name, long memoryMiB, int vcpus) {
    }
}
