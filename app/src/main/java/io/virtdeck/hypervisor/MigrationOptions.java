package io.virtdeck.hypervisor;

/**
 * How a domain is to be migrated.
 *
 * @param live           keep the guest running while its memory is copied; false moves a shut-off guest's definition
 * @param maxDowntimeMs  the longest pause allowed at the switch-over, or null for libvirt's default (300 ms)
 * @param bandwidthMiBps cap on the migration stream, or null for no cap
 * @param autoConverge   slow the guest's vCPUs down when it dirties memory faster than it can be copied
 * @param postCopy       switch to post-copy (the guest runs on the target, pages follow on demand) after one pass
 * @param copyStorage    copy the disks too, for hosts that do not share storage
 * @param unsafe         migrate even where libvirt cannot tell that the storage is shared (virsh's --unsafe)
 */
public record MigrationOptions(boolean live, Integer maxDowntimeMs, Integer bandwidthMiBps, boolean autoConverge,
                               boolean postCopy, boolean copyStorage, boolean unsafe) {
}
