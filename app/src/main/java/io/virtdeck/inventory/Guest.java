package io.virtdeck.inventory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GraphicsFacts;
import io.virtdeck.hypervisor.NicFacts;

/**
 * A guest as the inventory knows it (OpenAPI: GET /api/v1/guests/{id}). {@code template}: marked as a template by
 * Virtdeck (it is not started; guests are created from it). {@code managedSave}: shut off with its memory saved by
 * libvirt ("Saved" on the pages); starting it restores it.
 */
public record Guest(
        long id,
        String name,
        UUID uuid,
        long hostId,
        String hostName,
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
        String description,
        Instant updatedAt,
        boolean template) {

    /** This guest as a row of the list. */
    public Summary summary(String firstAddress) {
        return new Summary(id, name, uuid, hostId, hostName, state, managedSave, vcpus, memoryMiB, template,
                firstAddress);
    }

    /**
     * The short form the guest list shows (OpenAPI: GET /api/v1/guests items). {@code firstAddress}: the first IP
     * address its qemu-guest-agent reported while it runs, null when none did.
     */
    public record Summary(long id, String name, UUID uuid, long hostId, String hostName, DomainRunState state,
                          boolean managedSave, int vcpus, long memoryMiB, boolean template, String firstAddress) {
    }
}
