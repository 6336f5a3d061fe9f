package io.virtdeck.backup;

/** A new backup store: a storage pool (dir or netfs) of a host. */
public record BackupStoreRequest(String name, Long hostId, String pool) {
}
