package io.virtdeck.guest.snapshot;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.virtdeck.inventory.Guest;

/**
 * A guest just reverted to a snapshot (OpenAPI: the answer of POST /api/v1/guests/{id}/snapshots/{name}/revert): the
 * guest's fields as GET /api/v1/guests/{id} has them, and {@code thaw}: for a revert that brought back a running
 * guest's memory, what its guest agent did about file systems frozen in that memory ("file systems thawed (2) ...",
 * or that they may still be frozen and how to thaw them); null when there was nothing to ask.
 */
public record RevertedGuest(@JsonUnwrapped Guest guest, String thaw) {
}
