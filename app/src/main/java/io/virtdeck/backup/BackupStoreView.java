package io.virtdeck.backup;

/**
 * A backup store as the API and pages show it (OpenAPI: backup stores): its pool's space, and what the catalogue
 * holds in it.
 *
 * @param hostId its host, for a pool; null for a directory on the Virtdeck server
 * @param directory the directory on the Virtdeck server; null for a pool
 * @param availableMiB the free space; null when its host cannot be asked now
 * @param copiedMiB what the backups in it copied, in all (their files' size, near enough)
 */
public record BackupStoreView(long id, String name, Long hostId, String hostName, String pool, String directory,
                              Long capacityMiB,
                              Long availableMiB, long chains, long points, long copiedMiB) {
}
