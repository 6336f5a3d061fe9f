package io.virtdeck.backup;

import java.util.UUID;

import io.virtdeck.inventory.Host;

/** What a restore will make: a new guest {@code name} on {@code host}, its disks in {@code pool}. */
record RestorePlan(BackupPoint point, BackupStore store, Host host, String name, UUID uuid, String pool,
                   String definition) {

    String volumeName(String disk) {
        return name + "-" + disk + ".qcow2";
    }
}
