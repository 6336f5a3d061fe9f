package io.virtdeck.guest.snapshot;

import java.util.Locale;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.guest.GuestActionPlans;
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
        // QEMU's words (libvirt 9): "Unknown savevm section or instance 'cpu_common' 1. Make sure that your current
        // VM setup matches your saved VM setup, including any hotplugged devices". libvirt relays QEMU quitting as an
        // internal error, the code of any QEMU failure: only QEMU's words say why it quit.
        if (e.code() == HypervisorException.INTERNAL_ERROR && said.contains("cpu")
                && (said.contains("savevm") || said.contains("loading vm state"))) {
            return doing + " failed because the vCPU count of '" + guest.name() + "' can change while it runs"
                    + " (hot-pluggable vCPUs): the snapshot holds the memory of a guest with a different number of"
                    + " vCPUs plugged in than it starts with, and QEMU cannot load it. The guest may now be shut off."
                    + " Revert to a snapshot taken before vCPUs were added, or give the guest a fixed vCPU count"
                    + " (current = maximum) and take new snapshots. libvirt said: " + e.getMessage();
        }
        // an unsupported configuration, as any disk that cannot hold an internal snapshot is: its words name the format
        if (e.code() == HypervisorException.CONFIG_UNSUPPORTED && said.contains("internal snapshot")
                && said.contains("raw")) {
            return doing + " failed: a disk of '" + guest.name() + "' is raw, and the disk format (raw) cannot hold"
                    + " internal snapshots; convert the disk to qcow2 first. libvirt said: " + e.getMessage();
        }
        // no error number of libvirt's stands for a managed save image in the way: only its words do
        if (said.contains("managed save")) {
            return doing + " failed: '" + guest.name() + "' is saved (hibernated). Restore it with Start, or discard"
                    + " its saved memory, first. libvirt said: " + e.getMessage();
        }
        return doing + " failed. " + GuestActionPlans.explain(guest, e);
    }
}
