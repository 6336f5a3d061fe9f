package io.virtdeck.hypervisor;

import java.util.Set;

/**
 * What a domain needs from the host it moves to.
 *
 * @param networks     libvirt networks its interfaces are attached to
 * @param pools        storage pools its disks and CD-ROMs live in
 * @param volumes      the volumes of those pools it uses, which the target's pools of the same names must list
 * @param unpooledDisks disk paths that are in no pool (they must be reachable from the target as they are)
 * @param cpuXml       the {@code <cpu>} to compare with the target's CPU, or null when there is nothing to compare
 *                     (an emulated CPU, or one libvirt leaves to the host)
 * @param arch         the guest's architecture
 * @param snapshots    how many snapshots it has (libvirt refuses to migrate a domain with snapshots)
 * @param domainType   its domain type (kvm, qemu, ...): the hypervisor the target's CPU is compared for
 */
public record MigrationNeeds(Set<String> networks, Set<String> pools, Set<PoolVolume> volumes,
                             Set<String> unpooledDisks, String cpuXml, String arch, int snapshots,
                             String domainType) {
}
