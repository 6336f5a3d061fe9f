package io.virtdeck.hypervisor;

/**
 * How a new guest is virtualized, which decides the shape of its domain XML: the domain type, the OS type, and which
 * devices and buses fit. Chosen from what the host's capabilities offer (see {@link GuestPlatform}).
 */
public enum GuestVirtualization {
    /** QEMU with KVM acceleration: virtio devices, host-model CPU. */
    KVM("kvm", "hvm"),
    /** QEMU's software emulation (TCG): virtio devices, QEMU's default CPU. */
    QEMU("qemu", "hvm"),
    /** Xen fully virtualized: hvmloader (or OVMF), emulated boot devices that PV drivers take over. */
    XEN_HVM("xen", "hvm"),
    /** Xen paravirtualized: a host bootloader (pygrub), xen buses only, no ACPI, no BIOS. */
    XEN_PV("xen", "linux");

    private final String domainType;
    private final String osType;

    GuestVirtualization(String domainType, String osType) {
        this.domainType = domainType;
        this.osType = osType;
    }

    /** {@code <domain type=...>} */
    public String domainType() {
        return domainType;
    }

    /** {@code <os><type>...</type>} */
    public String osType() {
        return osType;
    }

    public boolean xen() {
        return this == XEN_HVM || this == XEN_PV;
    }
}
