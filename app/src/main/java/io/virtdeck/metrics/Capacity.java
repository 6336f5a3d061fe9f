package io.virtdeck.metrics;

import java.util.List;
import java.util.Map;

import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.metrics.forecast.Forecast;
import io.virtdeck.metrics.forecast.PoolForecast;

/**
 * OpenAPI: GET /api/v1/dashboard/capacity. "Allocated" counts the guests that hold resources now (running, paused,
 * migrating); "defined" counts every guest, shut off ones too. Overcommit ratios are allocated / physical (null for a
 * host whose size is not known yet). {@code guestsThatFit}: how many more guests of {@code size} fit, counting
 * {@code vcpuOvercommit} vCPUs per CPU and {@code memoryOvercommit} MiB per MiB, on hosts that are connected and not
 * in maintenance.
 *
 * <p>{@code nPlusOne}: whether the fleet survives the loss of any one host ({@link NPlusOne}). {@code countsNPlusOne}:
 * asked with {@code nPlusOne=true}, the room left ({@code roomLeft} guests, {@code memoryRoomLeftMiB}) is what stays
 * once the worst host's loss is placed, and the memory forecast's capacity leaves out the largest host; else they are
 * the room of every host ({@code roomLeft} = {@code totals.guestsThatFit}). {@code memoryForecast}: when the memory
 * in use (30 days of history) reaches that capacity. Each pool's forecast is in its host's {@code poolForecasts}.
 */
public record Capacity(Totals totals, List<HostCapacity> hosts, Map<String, Long> hostStates, GuestSize size,
                       double vcpuOvercommit, double memoryOvercommit, boolean countsNPlusOne, NPlusOne nPlusOne,
                       long roomLeft, long memoryRoomLeftMiB, long memoryCapacityMiB, Forecast memoryForecast) {

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
                               List<PoolFacts> pools, long guestsThatFit, List<PoolForecast> poolForecasts) {
    }
}
