package io.virtdeck.hypervisor;

/**
 * One storage volume of a pool (OpenAPI: volumes).
 *
 * @param format the image format libvirt reports (qcow2, raw, iso, ...); null when it does not say
 */
public record VolumeFacts(String name, String path, Kind kind, String format, long capacityMiB, long allocationMiB) {

    /** How a guest's disk refers to it: a file, a block device, or anything else by pool and volume name. */
    public enum Kind { FILE, BLOCK, OTHER }

    /** An installation image for a CD-ROM rather than a disk. */
    public boolean iso() {
        return "iso".equals(format) || name.toLowerCase(java.util.Locale.ROOT).endsWith(".iso");
    }
}
