package io.virtdeck.hypervisor;

import java.util.UUID;

/**
 * A new system container as {@link ContainerXml} writes it for libvirt's LXC driver: its init is the root file
 * system's {@code /sbin/init}.
 *
 * @param vcpus the CPUs' worth of time it may use (a CFS quota of {@code vcpus} periods per period)
 * @param memoryMiB its memory limit
 * @param rootDirectory a directory on the host, mounted as the container's root
 * @param readOnlyRoot the root is mounted read-only (a tree several containers share)
 * @param network the virtual network its one NIC joins; null for none
 */
public record ContainerSpec(UUID uuid, String name, int vcpus, long memoryMiB, String rootDirectory,
                            boolean readOnlyRoot, String network) {
}
