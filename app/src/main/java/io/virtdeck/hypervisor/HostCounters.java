package io.virtdeck.hypervisor;

/**
 * A host's own CPU counters (nanoseconds since boot, summed over its CPUs; busy is all but idle and I/O wait) and its
 * memory at one moment. CPU fields are null where the driver keeps no CPU times.
 */
public record HostCounters(Long cpuBusyNs, Long cpuTotalNs, long memoryTotalKiB, long memoryUsedKiB) {
}
