package io.virtdeck.backup;

import java.time.Instant;

import io.virtdeck.security.ObjectRef;

/**
 * Where backups go (OpenAPI: backup stores): a storage pool of a host ({@code hostId} and {@code pool}), or a
 * directory on the Virtdeck server ({@code directory}; no host).
 */
public record BackupStore(long id, String name, Long hostId, String pool, String directory, Instant createdAt) {

    boolean onServer() {
        return directory != null;
    }

    /** What rights over it follow: its host's, or the whole fleet's for a directory of the server. */
    ObjectRef scope() {
        return onServer() ? ObjectRef.root() : ObjectRef.host(hostId);
    }

    /**
     * The first part of the audit ids of what is in it ("<host>/..." or "server/..."): rows of a host are seen by those
     * who may see the host, rows of the server by those who see every host.
     */
    String auditPrefix() {
        return onServer() ? "server" : Long.toString(hostId);
    }

    /** Where it is, in words; {@code hostName} is its host's name (ignored for a directory). */
    String where(String hostName) {
        return onServer() ? "directory " + directory + " on the Virtdeck server"
                : "pool " + pool + " of host " + hostName;
    }
}
