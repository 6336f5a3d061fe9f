package io.virtdeck.hypervisor;

/**
 * What a host offers a new guest, read from its capabilities and (where the driver has them) its domain capabilities.
 *
 * @param arch the guest architecture, e.g. x86_64; null when the host names none
 * @param machine the machine type to ask for (q35 where offered for KVM/QEMU); null for the driver's default
 * @param hvmLoader Xen HVM's firmware loader (hvmloader) as the capabilities name it; null elsewhere
 * @param uefi true when the host can boot a guest with UEFI firmware
 * @param uefiLoader the UEFI firmware image to name in the XML; null when libvirt picks it ({@code firmware='efi'})
 */
public record GuestPlatform(GuestVirtualization virtualization, String arch, String machine, String hvmLoader,
                            boolean uefi, String uefiLoader) {

    GuestPlatform withUefi(boolean offered, String loader) {
        return new GuestPlatform(virtualization, arch, machine, hvmLoader, offered, loader);
    }

    /** The same host, another way of virtualizing: KVM's host without acceleration is QEMU's software emulation. */
    public GuestPlatform withVirtualization(GuestVirtualization other) {
        return new GuestPlatform(other, arch, machine, hvmLoader, uefi, uefiLoader);
    }
}
