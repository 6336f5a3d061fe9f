package io.virtdeck.hypervisor;

import java.util.UUID;

/**
 * A running guest's cumulative counters at one moment, from libvirt's bulk domain statistics: CPU time in
 * nanoseconds, disk bytes and requests and network bytes summed over its devices since it started. Memory is a level,
 * not a counter: what the guest uses when its balloon driver says so, else what its balloon holds. Null: the host's
 * driver did not say.
 */
public record GuestCounters(UUID uuid, Long cpuTimeNs, Long memoryKiB, Long diskReadBytes, Long diskWriteBytes,
                            Long diskReadOps, Long diskWriteOps, Long netRxBytes, Long netTxBytes) {
}
