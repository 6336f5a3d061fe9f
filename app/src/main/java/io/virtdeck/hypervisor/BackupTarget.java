package io.virtdeck.hypervisor;

/**
 * Where one disk's backup goes: a new volume of the store pool. For a full backup it is an empty qcow2 of the disk's
 * size; for an incremental one a qcow2 overlay of the disk's previous point ({@code base}), so that each point is a
 * whole disk image when read through its backing chain and holds only the blocks changed since the previous one.
 *
 * @param disk the disk's target (vda, ...)
 * @param base the volume of the previous point in the same pool; null for a full backup
 */
public record BackupTarget(String disk, String volume, String base) {
}
