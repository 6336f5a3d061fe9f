package io.virtdeck.metrics;

import java.util.List;
import java.util.Map;

import io.virtdeck.hypervisor.PoolFacts;

/**
 * OpenAPI: GET /api/v1/dashboard/capacity. "Allocated" counts the guests that hold resources now (running, paused,
 * migrating); "defined" counts every guest, shut off ones too. Overcommit ratios are allocated / physical (null for a
 * host whose size is not known yet). {@code guestsThatFit}: how many more guests of {@code size} fit, counting
 * {@code vcpuOvercommit} vCPUs per CPU and {@code memoryOvercommit} MiB per MiB, on hosts that are connected and not
 * in maintenance.
 */
public record Capacity(Totals totals, List<HostCapacity> hosts, Map<String, Long> hostStates, GuestSize size,
                       double vcpuOvercommit, double memoryOvercommit) {

    public record GuestSize(int vcpus, long memoryMiB) {
    }

    public record Totals(int hosts, long guests, long activeGuests, long cpus, long memoryMiB, long vcpusAllocated,
                         long memoryAllocatedMiB, long vcpusDefined, long memoryDefinedMiB, Double vcpuOvercommit,
                         Double memoryOvercommit, long storageCapacityMiB, long storageAllocationMiB,
                         long guestsThatFit) {
    }

    public record HostCapacity(long id, String name, String state, int cpus, long memoryMiB, long guests,
                               long activeGuests, long vcpusAllocated, long memoryAllocatedMiB, long vcpusDefined,
                               long memoryDefinedMiB, Double vcpuOvercommit, Double memoryOvercommit,
                               List<PoolFacts> pools, long guestsThatFit) {
    }
}
