package io.virtdeck.hypervisor;

/** One disk or CD-ROM of a domain. {@code source} is the file, volume or device path; may be null (empty CD-ROM). */
public record DiskFacts(String device, String target, String bus, String format, String source) {
}
