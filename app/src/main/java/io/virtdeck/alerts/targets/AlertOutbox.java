package io.virtdeck.alerts.targets;

import java.time.Duration;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The sending side of alert_deliveries. {@link #claim} must run in a transaction: the row it returns stays locked
 * until that transaction ends, so no other instance's sender takes it meanwhile (SKIP LOCKED passes over it).
 */
@Repository
class AlertOutbox {

    private final JdbcClient jdbc;

    AlertOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A delivery due now, locked; the oldest due first. */
    Optional<Due> claim() {
        return jdbc.sql("""
                        SELECT id, target_id, subject, message::text AS message, attempts FROM alert_deliveries
                        WHERE state = 'PENDING' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""")
                .query((rs, n) -> new Due(rs.getLong("id"), rs.getLong("target_id"), rs.getString("subject"),
                        rs.getString("message"), rs.getInt("attempts")))
                .optional();
    }

    void sent(long id, int attempts) {
        jdbc.sql("UPDATE alert_deliveries SET state = 'SENT', attempts = :attempts, sent_at = now(),"
                        + " last_error = NULL WHERE id = :id")
                .param("id", id).param("attempts", attempts).update();
    }

    void retryAfter(long id, int attempts, String error, Duration wait) {
        jdbc.sql("UPDATE alert_deliveries SET attempts = :attempts, last_error = :error,"
                        + " next_attempt_at = now() + make_interval(secs => :seconds) WHERE id = :id")
                .param("id", id).param("attempts", attempts).param("error", error)
                .param("seconds", wait.toMillis() / 1000.0).update();
    }

    void failed(long id, int attempts, String error) {
        jdbc.sql("UPDATE alert_deliveries SET state = 'FAILED', attempts = :attempts, last_error = :error"
                        + " WHERE id = :id")
                .param("id", id).param("attempts", attempts).param("error", error).update();
    }

    /** A delivery claimed for an attempt; {@code attempts} made before this one. */
    record Due(long id, long targetId, String subject, String message, int attempts) {
    }
}
