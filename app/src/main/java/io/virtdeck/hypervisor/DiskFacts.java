package io.virtdeck.hypervisor;

/**
 * One disk or CD-ROM of a domain. {@code source} is the file, volume or device path; may be null (empty CD-ROM).
 * {@code shareable}: the disk is marked {@code <shareable/>}, so other guests may have the same volume at once.
 */
public record DiskFacts(String device, String target, String bus, String format, String source, boolean shareable) {

    public DiskFacts(String device, String target, String bus, String format, String source) {
        this(device, target, bus, format, source, false);
    }
}
