package io.virtdeck.backup;

import java.time.Instant;

/** Where backups go: a storage pool of a host (OpenAPI: backup stores). */
public record BackupStore(long id, String name, long hostId, String pool, Instant createdAt) {
}
