package io.virtdeck.inventory;

/**
 * What a guest is: a virtual machine, or a system container (libvirt's LXC driver). libvirt says so in the domain's
 * OS type: {@code exe} (run a process, as containers do) against {@code hvm}, {@code xen} or {@code linux} for
 * machines. The inventory keeps the OS type (guests.os_type), so the kind is read from it, not stored twice.
 */
public enum GuestKind {
    VM, CONTAINER;

    /** libvirt's OS type of a container. */
    static final String CONTAINER_OS_TYPE = "exe";

    public static GuestKind of(String osType) {
        return CONTAINER_OS_TYPE.equals(osType) ? CONTAINER : VM;
    }
}
