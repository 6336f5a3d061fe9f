package io.virtdeck.hypervisor;

/** One network interface: {@code type} network or bridge, {@code source} the network or bridge name. */
public record NicFacts(String mac, String type, String source, String model) {
}
