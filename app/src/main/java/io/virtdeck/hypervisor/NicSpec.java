package io.virtdeck.hypervisor;

/**
 * A NIC to plug in: {@code type} network (on a libvirt virtual network) or bridge (straight onto a host bridge),
 * {@code source} that network's or bridge's name, {@code model} the emulated card, {@code mac} its address.
 */
public record NicSpec(String type, String source, String model, String mac) {
}
