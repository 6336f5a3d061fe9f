package io.virtdeck.hypervisor;

/**
 * Where a snapshot keeps what it records. INTERNAL: inside the qcow2 disks (libvirt's default; memory too when the
 * domain runs). EXTERNAL: each disk is frozen as it is and the domain writes on into a new qcow2 overlay file beside
 * it, which any disk format allows (raw included); the memory, when kept, goes to a file of its own.
 */
public enum SnapshotKind {
    INTERNAL, EXTERNAL_DISK_ONLY, EXTERNAL_WITH_MEMORY
}
