package io.virtdeck.backup;

/**
 * A backup point restored as a new guest (new name, UUID and MAC addresses).
 *
 * @param hostId the host to define it on; the store's host when left out (the only one offered for now)
 * @param pool where its disks go; the pool of the backed-up guest's first disk when left out
 */
public record RestoreRequest(String name, Long hostId, String pool) {
}
