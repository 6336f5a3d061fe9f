package io.virtdeck.migration;

import java.util.UUID;

import io.virtdeck.hypervisor.MigrationOptions;

/** One migration as its task carries it out, and as a restarted Virtdeck finds it again. */
record Migration(long taskId, long guestId, UUID uuid, String guestName, long sourceHostId, long targetHostId,
                 MigrationOptions options) {

    Migration withTask(long id) {
        return new Migration(id, guestId, uuid, guestName, sourceHostId, targetHostId, options);
    }
}
