package io.virtdeck.hypervisor;

import java.time.Instant;

/**
 * One snapshot of a domain as libvirt describes it. {@code parent} is null for a root; {@code domainState} is the
 * state the domain was in when it was taken (running, paused, shutoff); {@code withMemory} when it holds the
 * domain's memory as well as its disks; {@code current} for the snapshot the domain last was at; {@code external}
 * when its disks (and memory) are kept in files of their own rather than inside qcow2 disks (see {@link SnapshotKind}),
 * {@code memoryFile} then naming the file that holds the memory, if any.
 */
public record SnapshotFacts(String name, String description, String parent, Instant createdAt, String domainState,
                            boolean withMemory, boolean current, boolean external, String memoryFile) {
}
