package io.virtdeck.hypervisor;

/**
 * One storage pool of a host (OpenAPI: pools); sizes are zero for a pool that is not active. {@code path} is the
 * directory its volumes live in on the host (null for pools without one, such as rbd); {@code source} the remote
 * storage a network pool mounts or reaches, "host:/export" (null for local pools): hosts with a pool of the same name
 * and the same path or source share its volumes.
 */
public record PoolFacts(String name, String type, boolean active, long capacityMiB, long allocationMiB,
                        long availableMiB, boolean autostart, String path, String source) {
}
