package io.virtdeck.hypervisor;

/** Published when a host's connection changes state; {@code reason} says why it was lost, null when connected. */
public record HostConnectionChanged(long hostId, ConnectionState state, String reason) {
}
