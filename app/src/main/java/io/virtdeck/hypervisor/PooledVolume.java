package io.virtdeck.hypervisor;

/** A volume and the storage pool that holds it. */
public record PooledVolume(String pool, VolumeFacts volume) {
}
