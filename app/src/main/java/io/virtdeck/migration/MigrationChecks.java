package io.virtdeck.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.CpuComparison;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.HostResources;
import io.virtdeck.hypervisor.MigrationGateway;
import io.virtdeck.hypervisor.MigrationNeeds;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import io.virtdeck.storage.SharedPools;

/**
 * Whether a guest can move to a host, asked before a migration starts so that an operator hears why not in words,
 * not in libvirt's error after half a minute. Each problem is a sentence naming what is missing where.
 */
@Component
class MigrationChecks {

    private final HostGateway hostGateway;
    private final MigrationGateway migrationGateway;
    private final SharedPools sharedPools;
    private final AntiAffinityGroups antiAffinity;

    MigrationChecks(HostGateway hostGateway, MigrationGateway migrationGateway, SharedPools sharedPools,
                    AntiAffinityGroups antiAffinity) {
        this.antiAffinity = antiAffinity;
        this.hostGateway = hostGateway;
        this.migrationGateway = migrationGateway;
        this.sharedPools = sharedPools;
    }

    /** What the guest needs of any target, read once from its source host. */
    MigrationNeeds needsOf(Guest guest) {
        return migrationGateway.migrationNeeds(guest.hostId(), guest.uuid());
    }

    /** The reasons the guest cannot move to {@code target}; empty when it can. */
    List<String> problems(Guest guest, MigrationNeeds needs, Host target, boolean live) {
        List<String> problems = new ArrayList<>(antiAffinity.problems(guest, target));
        if (needs.snapshots() > 0) {
            problems.add("'" + guest.name() + "' has " + needs.snapshots() + " snapshot(s); libvirt cannot migrate a"
                    + " guest with snapshots: delete them first");
        }
        HostResources resources;
        try {
            resources = hostGateway.resources(target.id());
        } catch (HypervisorException e) {
            problems.add("host '" + target.name() + "' cannot be read: " + e.getMessage());
            return problems;
        }
        if (needs.arch() != null && resources.cpuArch() != null && !needs.arch().equals(resources.cpuArch())) {
            problems.add("host '" + target.name() + "' is " + resources.cpuArch() + "; '" + guest.name() + "' is "
                    + needs.arch());
        }
        missing("network", needs.networks(), resources.networks(), target, live, problems);
        missing("storage pool", needs.pools(), resources.pools(), target, live, problems);
        if (live && resources.freeMemoryMiB() < guest.memoryMiB()) {
            problems.add("host '" + target.name() + "' has " + resources.freeMemoryMiB() + " MiB free; '"
                    + guest.name() + "' needs " + guest.memoryMiB() + " MiB");
        }
        if (needs.cpuXml() != null) {
            cpuProblem(guest, needs, target).ifPresent(problems::add);
        }
        return problems;
    }

    /** Why the target's hypervisor cannot give the guest its CPU, in libvirt's words, which name the missing features. */
    private Optional<String> cpuProblem(Guest guest, MigrationNeeds needs, Host target) {
        try {
            CpuComparison cpu = hostGateway.compareCpu(target.id(), needs.domainType(), needs.arch(), needs.cpuXml());
            return cpu.compatible() ? Optional.empty() : Optional.of("host '" + target.name() + "' cannot give '"
                    + guest.name() + "' its CPU: " + (cpu.reason() != null ? cpu.reason()
                    : "libvirt's CPU comparison says incompatible"));
        } catch (HypervisorException e) {
            return Optional.of("host '" + target.name() + "' cannot check the CPU of '" + guest.name() + "': "
                    + e.getMessage());
        }
    }

    /**
     * The guest's volumes the target's pools of the same names lack, after refreshing them (a shared pool lists a
     * volume made through another host only once it looked again). Not asked when storage is copied: libvirt then makes
     * the volumes on the target itself.
     */
    List<String> missingVolumes(MigrationNeeds needs, Host target) {
        return sharedPools.missingOn(target, needs.volumes());
    }

    /** Names needed that the host lacks, or (for a running guest) has but not active. */
    private static void missing(String kind, Iterable<String> needed, Map<String, Boolean> offered, Host target,
                                boolean mustBeActive, List<String> problems) {
        for (String name : needed) {
            Boolean active = offered.get(name);
            if (active == null) {
                problems.add(kind + " '" + name + "' does not exist on host '" + target.name() + "'");
            } else if (mustBeActive && !active) {
                problems.add(kind + " '" + name + "' is not active on host '" + target.name() + "'");
            }
        }
    }
}
