package io.virtdeck.hypervisor;

/**
 * Published when a volume of a host's pool was made, written, grown or deleted through libvirt: the hosts that share
 * that pool's storage list its volumes as of their last refresh, and need to look again.
 */
public record PoolVolumesChanged(long hostId, String pool) {
}
