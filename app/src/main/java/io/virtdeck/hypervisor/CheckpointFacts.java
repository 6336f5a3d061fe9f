package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.List;

/**
 * One checkpoint of a domain: the moment a backup began, from which libvirt tracks the blocks written since in a
 * dirty bitmap per disk.
 *
 * @param parent the checkpoint before it; null for the first
 * @param disks the targets (vda, ...) that have a bitmap for it
 */
public record CheckpointFacts(String name, String parent, Instant created, List<String> disks) {
}
