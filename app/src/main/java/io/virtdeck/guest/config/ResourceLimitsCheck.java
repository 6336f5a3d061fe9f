package io.virtdeck.guest.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.ResourceLimits;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;

/** Checks resource limits before libvirt sees them, with the ranges libvirt and the kernel's cgroups accept. */
final class ResourceLimitsCheck {

    private static final Pattern CPU_SET = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");
    private static final Set<String> NUMA_MODES = Set.of("strict", "preferred", "interleave");

    private ResourceLimitsCheck() {
    }

    static void check(ResourceLimits limits, Guest guest, Host host, int vcpus) {
        within("limits.cpuShares", limits.cpuShares(), 2, 262_144);
        within("limits.cpuPeriodUs", limits.cpuPeriodUs(), 1_000, 1_000_000);
        if (limits.cpuQuotaUs() != null && limits.cpuQuotaUs() != -1) {
            within("limits.cpuQuotaUs", limits.cpuQuotaUs(), 1_000, 17_592_186_044_415L);
        }
        long hostMemory = host.memoryMiB() == null ? Long.MAX_VALUE : host.memoryMiB();
        within("limits.memoryHardLimitMiB", limits.memoryHardLimitMiB(), 16, hostMemory);
        within("limits.memorySoftLimitMiB", limits.memorySoftLimitMiB(), 16, hostMemory);
        if (limits.memoryHardLimitMiB() != null && limits.memorySoftLimitMiB() != null
                && limits.memorySoftLimitMiB() > limits.memoryHardLimitMiB()) {
            throw VirtdeckException.invalid("limits.memorySoftLimitMiB",
                    "The soft memory limit cannot be above the hard one.");
        }
        within("limits.blkioWeight", limits.blkioWeight() == null ? null : limits.blkioWeight().longValue(), 100,
                1000);
        disks(limits.disks(), guest.disks());
        int hostCpus = host.cpus() == null ? Integer.MAX_VALUE : host.cpus();
        for (ResourceLimits.VcpuPin pin : limits.vcpuPins()) {
            if (pin.vcpu() < 0 || pin.vcpu() >= vcpus) {
                throw VirtdeckException.invalid("limits.vcpuPins", "vCPU " + pin.vcpu() + " does not exist: '"
                        + guest.name() + "' has vCPUs 0 to " + (vcpus - 1) + ".");
            }
            cpuSet("limits.vcpuPins", pin.cpuset(), hostCpus, "host CPU");
        }
        if (limits.numa() != null) {
            if (!NUMA_MODES.contains(String.valueOf(limits.numa().mode()))) {
                throw VirtdeckException.invalid("limits.numa.mode", "The NUMA mode is one of strict, preferred or"
                        + " interleave.");
            }
            cpuSet("limits.numa.nodeset", limits.numa().nodeset(), Integer.MAX_VALUE, "NUMA node");
        }
    }

    private static void disks(List<ResourceLimits.DiskIo> caps, List<DiskFacts> disks) {
        Set<String> seen = new HashSet<>();
        for (ResourceLimits.DiskIo io : caps) {
            if (io.target() == null || disks.stream().noneMatch(d -> io.target().equals(d.target()))) {
                throw VirtdeckException.invalid("limits.disks", "The guest has no disk '" + io.target() + "'.");
            }
            if (!seen.add(io.target())) {
                throw VirtdeckException.invalid("limits.disks", "Disk '" + io.target() + "' is listed twice.");
            }
            if (io.totalIops() != null && (io.readIops() != null || io.writeIops() != null)
                    || io.totalBytesSec() != null && (io.readBytesSec() != null || io.writeBytesSec() != null)) {
                throw VirtdeckException.invalid("limits.disks", "Disk '" + io.target() + "': a total cap and read or"
                        + " write caps of the same kind exclude each other.");
            }
            for (Long value : new Long[] {io.totalIops(), io.readIops(), io.writeIops(), io.totalBytesSec(),
                io.readBytesSec(), io.writeBytesSec()}) {
                within("limits.disks", value, 1, Long.MAX_VALUE / 2);
            }
        }
    }

    private static void cpuSet(String field, String set, int count, String what) {
        if (set == null || !CPU_SET.matcher(set).matches()) {
            throw VirtdeckException.invalid(field, "'" + set + "' is not a list of " + what + "s such as 0-3,6.");
        }
        for (String part : set.split("[,-]")) {
            if (Integer.parseInt(part) >= count) {
                throw VirtdeckException.invalid(field, "There is no " + what + " " + part + " on this host.");
            }
        }
    }

    private static void within(String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw VirtdeckException.invalid(field, field + " must be between " + min + " and " + max + ".");
        }
    }
}
