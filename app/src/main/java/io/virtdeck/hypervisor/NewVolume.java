package io.virtdeck.hypervisor;

/** A volume to create in a pool: qcow2 (thin) or raw (allocated in full). */
public record NewVolume(String name, long capacityMiB, String format) {
}
