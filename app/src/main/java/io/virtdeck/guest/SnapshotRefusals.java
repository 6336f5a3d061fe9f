package io.virtdeck.guest;

import java.util.Locale;

import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.inventory.Guest;

/**
 * libvirt's refusals of snapshot work, in an operator's words: what went wrong and what to do about it. Refusals not
 * recognised here read as libvirt worded them, after the usual "libvirt refused:" lead.
 */
final class SnapshotRefusals {

    private SnapshotRefusals() {
    }

    static String explain(Guest guest, String doing, HypervisorException e) {
        String said = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (said.contains("cpu") && (said.contains("savevm") || said.contains("loadvm") || said.contains("load snapshot")
                || said.contains("does not match"))) {
            return doing + " failed because the vCPU count of '" + guest.name() + "' can change while it runs"
                    + " (hot-pluggable vCPUs): QEMU cannot load a saved memory into a CPU layout that may differ."
                    + " Give the guest a fixed vCPU count (current = maximum) and take a new snapshot. libvirt said: "
                    + e.getMessage();
        }
        if (said.contains("internal snapshot") && said.contains("raw")) {
            return doing + " failed: a disk of '" + guest.name() + "' is raw, and the disk format (raw) cannot hold"
                    + " internal snapshots; convert the disk to qcow2 first. libvirt said: " + e.getMessage();
        }
        if (said.contains("managed save")) {
            return doing + " failed: '" + guest.name() + "' is saved (hibernated). Restore it with Start, or discard"
                    + " its saved memory, first. libvirt said: " + e.getMessage();
        }
        return doing + " failed. " + GuestActionRunner.explain(guest, e);
    }
}
