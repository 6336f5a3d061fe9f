package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * A domain as libvirt describes it: its configuration (from the XML) plus its run state and flags. {@code managedSave}:
 * shut off with its memory saved by libvirt (starting it restores it). {@code serialConsole}: it has a serial port or
 * console on a pseudo-terminal, which libvirt's console stream opens.
 */
public record DomainFacts(
        UUID uuid,
        String name,
        DomainRunState state,
        int vcpus,
        long memoryMiB,
        boolean autostart,
        boolean persistent,
        boolean managedSave,
        String osType,
        List<DiskFacts> disks,
        List<NicFacts> nics,
        List<GraphicsFacts> graphics,
        boolean serialConsole) {
}
