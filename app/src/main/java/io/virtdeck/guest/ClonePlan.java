package io.virtdeck.guest;

import java.util.List;
import java.util.UUID;

import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;

/**
 * A checked clone: the shut-off source, the new guest's name and UUID, and each disk to copy (full copies, or linked
 * clones backed by the source's volumes). {@link GuestCloneService} carries it out.
 */
record ClonePlan(Host host, Guest source, String name, UUID uuid, boolean linked, List<DiskCopy> disks) {

    /**
     * One disk of the source and its copy.
     *
     * @param sourceRef the source disk's source, as the domain XML gives it (a path or "pool/volume")
     * @param from the source's volume, in {@code pool}
     * @param copyName the new volume's name, in the same pool
     */
    record DiskCopy(String target, String sourceRef, String pool, VolumeFacts from, String copyName) {
    }

    /** How the task and the audit trail name the work. */
    String describe() {
        return (linked ? "linked clone" : "full copy") + " of '" + source.name() + "' as '" + name + "' on host "
                + host.name() + ", " + disks.size() + " disk(s)"
                + (disks.isEmpty() ? "" : ": " + String.join(", ", disks.stream()
                .map(d -> d.pool() + "/" + d.copyName()).toList()));
    }
}
