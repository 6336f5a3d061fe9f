package io.virtdeck.hypervisor;

/**
 * A domain's CPU as its definition states it, with what decides which CPUs its host can give it.
 *
 * @param domainType kvm, qemu, xen, ...: the hypervisor the CPU is asked of
 * @param cpu        null where the definition names no CPU (the hypervisor's default)
 */
public record DomainCpu(String domainType, String arch, GuestCpu cpu) {
}
