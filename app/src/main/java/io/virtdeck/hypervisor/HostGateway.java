package io.virtdeck.hypervisor;

/**
 * What a host is and has: its facts, resources, counters, the platform new guests get, its CPU.
 */
public interface HostGateway {

    HostFacts hostFacts(long hostId);

    /** Free memory, CPU architecture, networks and pools: what placement and migration checks look at. */
    HostResources resources(long hostId);

    /**
     * The host's CPU and memory counters and those of every running guest (CPU, balloon, disks, NICs), in one
     * bulk libvirt call for all guests (virConnectGetAllDomainStats).
     */
    HostSample sample(long hostId);

    /** How a new guest is virtualized on this host (KVM, QEMU, Xen HVM or PV), and whether it may boot with UEFI. */
    GuestPlatform guestPlatform(long hostId);

    /**
     * The CPUs the host can give guests of {@code domainType} (kvm, qemu, ...; null: the type new guests get there).
     */
    HostCpuOffer cpuOffer(long hostId, String domainType);

    /**
     * Whether the host's hypervisor can give a guest of {@code domainType} and {@code arch} the CPU {@code cpuXml}
     * describes (virConnectCompareHypervisorCPU); drivers that cannot compare (libvirt's test driver) answer
     * compatible, leaving the answer to the guest's start.
     */
    CpuComparison compareCpu(long hostId, String domainType, String arch, String cpuXml);
}
