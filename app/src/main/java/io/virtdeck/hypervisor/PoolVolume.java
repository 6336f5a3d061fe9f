package io.virtdeck.hypervisor;

/** A volume named by its pool and its name in that pool, as a disk given as {@code <source pool= volume=/>} is. */
public record PoolVolume(String pool, String volume) {
}
