package io.virtdeck.inventory;

/**
 * A host at a glance, as the hosts list shows it: how busy it is by its latest metrics sample and how many of its
 * guests are in each state.
 *
 * @param cpuPercent    CPU in use, in percent of its CPUs, from its latest sample of the last minutes; null without one
 * @param memoryPercent memory in use, in percent of its memory; null without a recent sample
 * @param other         guests in any other state (crashed, migrating, unknown)
 */
public record HostGlance(long hostId, Integer cpuPercent, Integer memoryPercent, long running, long paused,
                         long shutOff, long other) {

    static HostGlance empty(long hostId) {
        return new HostGlance(hostId, null, null, 0, 0, 0, 0);
    }
}
