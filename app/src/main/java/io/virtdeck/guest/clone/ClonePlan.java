package io.virtdeck.guest.clone;

import java.util.List;
import java.util.UUID;

import io.virtdeck.guest.cloudinit.CloudInitPlan;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;

/**
 * A checked clone: the shut-off source on {@code host}, the new guest's name and UUID on {@code target} (the same host,
 * or another one its disks are streamed to), and each disk to copy (full copies, or linked clones backed by the
 * source's volumes), and the cloud-init settings its seed will hold (null for none). {@link GuestCloneService}
 * carries it out.
 */
record ClonePlan(Host host, Guest source, Host target, String name, UUID uuid, boolean linked, List<DiskCopy> disks,
                 CloudInitPlan cloudInit) {

    /**
     * One disk of the source and its copy.
     *
     * @param sourceRef the source disk's source, as the domain XML gives it (a path or "pool/volume")
     * @param from the source's volume, in {@code pool}
     * @param copyName the new volume's name, in the pool of the same name on the target
     */
    record DiskCopy(String target, String sourceRef, String pool, VolumeFacts from, String copyName) {
    }

    /** Whether the clone goes to another host than its source's. */
    boolean toAnotherHost() {
        return target.id() != host.id();
    }

    /** How the task and the audit trail name the work. */
    String describe() {
        return (linked ? "linked clone" : "full copy") + " of '" + source.name() + "' as '" + name + "' on host "
                + target.name() + (toAnotherHost() ? " (from host " + host.name() + ")" : "") + ", " + disks.size()
                + " disk(s)"
                + (disks.isEmpty() ? "" : ": " + String.join(", ", disks.stream()
                .map(d -> d.pool() + "/" + d.copyName()).toList()))
                + (cloudInit == null ? "" : "; " + cloudInit.describe());
    }
}
