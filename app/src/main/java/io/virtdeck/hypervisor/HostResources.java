package io.virtdeck.hypervisor;

import java.util.Map;

/**
 * What a host offers a guest that would move there: free memory now, and its networks and storage pools by name
 * (true when active).
 */
public record HostResources(long freeMemoryMiB, String cpuArch, Map<String, Boolean> networks,
                            Map<String, Boolean> pools) {
}
