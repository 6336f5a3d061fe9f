package io.virtdeck.container;

/**
 * POST /api/v1/hosts/{id}/containers: a system container on an LXC host (registered with an {@code lxc...} URI).
 *
 * @param rootDirectory an absolute directory on the host holding the container's root file system (with an
 *                      executable {@code /sbin/init}); not the host's own root
 * @param readOnlyRoot mount the root read-only (a tree several containers share); false by default
 * @param network the virtual network of the host its one NIC joins; none when absent
 * @param vcpus the CPUs' worth of time it may use
 * @param memoryMiB its memory limit
 */
public record ContainerCreateRequest(String name, Integer vcpus, Long memoryMiB, String rootDirectory,
                                     Boolean readOnlyRoot, String network, Boolean autostart) {
}
