package io.virtdeck.backup;

import java.util.Map;

import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;

/**
 * A restore over a shut-off guest: each disk of the point is restored into a new volume beside the guest's present
 * one, the guest is pointed at the new volumes, and the present ones are deleted.
 *
 * @param current the guest's present volume of each disk of the point, by disk target
 */
record InPlacePlan(BackupPoint point, BackupStore store, Host host, Guest guest, Map<String, Current> current) {

    /** A disk as the guest has it now: its source in the definition and its volume. */
    record Current(String source, PooledVolume volume) {

        /** The restored volume's name: the present one's, marked with the point, so that both can exist a moment. */
        String restoredName(long pointId) {
            String name = volume.volume().name();
            int dot = name.lastIndexOf('.');
            return (dot > 0 ? name.substring(0, dot) : name) + "-restored-" + pointId + ".qcow2";
        }
    }
}
