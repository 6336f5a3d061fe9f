package io.virtdeck.hypervisor;

import java.util.List;

/** What one bulk statistics call on a host returns: the host's counters and those of every running guest. */
public record HostSample(HostCounters host, List<GuestCounters> guests) {
}
