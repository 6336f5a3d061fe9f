package io.virtdeck.hypervisor;

import java.util.UUID;

/**
 * What a few bulk calls tell of every domain of a host, without its XML: enough for a reconcile to see which guest
 * rows no longer match and read only those in full.
 */
public record DomainSummary(UUID uuid, DomainRunState state, boolean persistent, boolean autostart,
                            boolean managedSave) {
}
