package io.virtdeck.audit;

import java.time.Instant;

/** One line of the audit trail (OpenAPI: GET /api/v1/audit). */
public record AuditEntry(
        long id,
        Instant at,
        String user,
        String action,
        String objectType,
        String objectId,
        String objectName,
        Outcome outcome,
        String detail) {

    public enum Outcome {
        SUCCESS, FAILURE, DENIED, INFO
    }
}
