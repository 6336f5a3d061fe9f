package io.virtdeck.backup;

/**
 * A new backup store: a storage pool (dir or netfs) of a host ({@code hostId} and {@code pool}), or a directory on the
 * Virtdeck server ({@code directory}, an absolute path; administrators only).
 */
public record BackupStoreRequest(String name, Long hostId, String pool, String directory) {

    public BackupStoreRequest(String name, Long hostId, String pool) {
        this(name, hostId, pool, null);
    }
}
