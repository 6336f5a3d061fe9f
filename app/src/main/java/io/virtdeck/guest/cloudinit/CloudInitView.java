package io.virtdeck.guest.cloudinit;

import java.time.Instant;

/**
 * GET /api/v1/guests/{id}/cloud-init: the settings, whether a password is set (never the password or its hash), the
 * seed's volume ("pool/volume") and instance id, and when it was written.
 */
public record CloudInitView(CloudInitSettings settings, boolean passwordSet, String seed, String instanceId,
                            Instant updatedAt) {

    static CloudInitView of(CloudInitRepository.Kept kept) {
        return new CloudInitView(kept.plan().settings(), kept.plan().passwordHash() != null, kept.seed().toString(),
                kept.plan().instanceId(), kept.updatedAt());
    }
}
