package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/** A domain as libvirt describes it: its configuration (from the XML) plus its run state and flags. */
public record DomainFacts(
        UUID uuid,
        String name,
        DomainRunState state,
        int vcpus,
        long memoryMiB,
        boolean autostart,
        boolean persistent,
        String osType,
        List<DiskFacts> disks,
        List<NicFacts> nics,
        List<GraphicsFacts> graphics) {
}
