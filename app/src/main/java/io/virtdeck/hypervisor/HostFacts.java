package io.virtdeck.hypervisor;

import java.util.List;

/**
 * What a host is: read from libvirt's node info and capabilities XML when Virtdeck connects.
 *
 * @param hypervisorType libvirt's driver name (QEMU, Xen, Test, ...)
 * @param guestDomainTypes the domain types the host can run (kvm, qemu, xen, test), from capabilities
 */
public record HostFacts(
        String hostname,
        String hypervisorType,
        String cpuModel,
        String cpuArch,
        int cpus,
        int cpuSockets,
        int cpuCores,
        int cpuThreads,
        int cpuMhz,
        long memoryMiB,
        int numaCells,
        boolean hardwareVirtualization,
        List<String> guestDomainTypes,
        List<String> cpuFeatures) {
}
