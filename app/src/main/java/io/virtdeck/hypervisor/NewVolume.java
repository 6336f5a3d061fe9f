package io.virtdeck.hypervisor;

/** A volume to create in a pool: thin where the pool allows it (no allocation asked for up front). */
public record NewVolume(String name, long capacityMiB, String format) {
}
