package io.virtdeck.hypervisor;

/** One storage pool of a host (API.md: pools); sizes are zero for a pool that is not active. */
public record PoolFacts(String name, String type, boolean active, long capacityMiB, long allocationMiB,
                        long availableMiB) {
}
