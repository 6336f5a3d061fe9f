package io.virtdeck.hypervisor;

import java.util.List;

/**
 * A guest's resource limits as libvirt keeps them in its definition (null: no limit). CPU: {@code cpuShares} is a
 * relative weight against other guests; {@code cpuQuotaUs} of every {@code cpuPeriodUs} caps each vCPU. Memory: the
 * hard limit is the most the guest's QEMU may use, the soft one what it is squeezed to when the host runs short. Disks:
 * a relative I/O weight and, per disk, IOPS and bytes-per-second caps. Placement: vCPUs pinned to host CPUs, memory
 * bound to NUMA nodes.
 */
public record ResourceLimits(Long cpuShares, Long cpuQuotaUs, Long cpuPeriodUs, Long memoryHardLimitMiB,
                             Long memorySoftLimitMiB, Integer blkioWeight, List<DiskIo> disks, List<VcpuPin> vcpuPins,
                             NumaPlacement numa) {

    public static final ResourceLimits NONE = new ResourceLimits(null, null, null, null, null, null, List.of(), List.of(),
            null);

    public ResourceLimits {
        disks = disks == null ? List.of() : List.copyOf(disks);
        vcpuPins = vcpuPins == null ? List.of() : List.copyOf(vcpuPins);
    }

    /** Caps on one disk, named by its target (vda). Totals and read/write pairs exclude each other, as in libvirt. */
    public record DiskIo(String target, Long totalIops, Long readIops, Long writeIops, Long totalBytesSec,
                         Long readBytesSec, Long writeBytesSec) {
    }

    /** vCPU {@code vcpu} runs only on the host CPUs of {@code cpuset} ("0-3,6"). */
    public record VcpuPin(int vcpu, String cpuset) {
    }

    /** mode: strict, preferred or interleave; nodeset: host NUMA nodes ("0", "0-1"). */
    public record NumaPlacement(String mode, String nodeset) {
    }
}
