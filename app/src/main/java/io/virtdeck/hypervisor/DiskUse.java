package io.virtdeck.hypervisor;

import java.util.UUID;

/**
 * A domain's hold on a volume: its disk at {@code target} reads it, or (when {@code copying}) a block copy of that disk
 * writes into it.
 */
public record DiskUse(UUID uuid, String domain, String target, boolean copying) {
}
