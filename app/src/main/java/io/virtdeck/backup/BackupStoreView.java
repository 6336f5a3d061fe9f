package io.virtdeck.backup;

/**
 * A backup store as the API and pages show it (OpenAPI: backup stores): its pool's space, and what the catalogue
 * holds in it.
 *
 * @param availableMiB the pool's free space; null when its host cannot be asked now
 * @param copiedMiB what the backups in it copied, in all (their files' size, near enough)
 */
public record BackupStoreView(long id, String name, long hostId, String hostName, String pool, Long capacityMiB,
                              Long availableMiB, long chains, long points, long copiedMiB) {
}
