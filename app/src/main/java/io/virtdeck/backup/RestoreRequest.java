package io.virtdeck.backup;

/**
 * A backup point restored as a new guest (new name, UUID and MAC addresses), or in place over its shut-off guest.
 *
 * @param hostId the host to define a new guest on; the store's host when left out (to another host, each disk streams
 *               through Virtdeck)
 * @param pool where a new guest's disks go; the pool of the backed-up guest's first disk when left out
 * @param inPlace overwrite the disks of the guest the backup was taken of (shut off), instead of making a new guest
 * @param confirm for {@code inPlace}: the guest's name, typed to confirm that its present disks are lost
 */
public record RestoreRequest(String name, Long hostId, String pool, Boolean inPlace, String confirm) {

    public RestoreRequest(String name, Long hostId, String pool) {
        this(name, hostId, pool, null, null);
    }
}
