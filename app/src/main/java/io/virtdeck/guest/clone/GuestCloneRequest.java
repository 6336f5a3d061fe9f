package io.virtdeck.guest.clone;

/**
 * POST /api/v1/guests/{id}/clone (OpenAPI: {@code name, hostId}).
 *
 * @param hostId where the clone goes; only the source's own host for now (null means that host)
 */
public record GuestCloneRequest(String name, Long hostId) {
}
