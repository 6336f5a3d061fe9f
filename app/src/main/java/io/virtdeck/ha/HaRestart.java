package io.virtdeck.ha;

import java.time.Instant;
import java.util.UUID;

/**
 * A restart of an HA guest whose host was lost (OpenAPI: GET /api/v1/ha and /api/v1/guests/{id}/ha, "restarts").
 *
 * @param state  WAITING (with the reason it cannot start yet), RUNNING (on {@code toHost} since {@code startedAt}) or
 *               CANCELLED (with the reason it was not needed)
 * @param lostSince when its host stopped answering
 */
public record HaRestart(long id, UUID guestUuid, String guestName, long fromHostId, String fromHost, Long toHostId,
                        String toHost, String state, String reason, Long taskId, Instant lostSince, Instant declaredAt,
                        Instant startedAt) {
}
