package io.virtdeck.ha;

import java.time.Instant;

/**
 * A host that does not answer, as the HA watch sees it (OpenAPI: GET /api/v1/ha "hosts", GET /api/v1/guests/{id}/ha
 * "hostCheck").
 *
 * @param silentSince when it stopped answering
 * @param declared    whether it is declared lost (its HA guests are restarted elsewhere, their disk leases permitting)
 * @param reason      why it is or is not declared lost, in words: how long it has been silent, what its heartbeat says
 * @param confirmedBy the administrator who confirmed it down; null when the watch decided alone
 * @param checkedAt   when the watch last looked
 */
public record HostCheck(long hostId, String host, Instant silentSince, boolean declared, String reason,
                        String confirmedBy, Instant checkedAt) {
}
