package io.virtdeck.alerts.firing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.alerts.rules.AlertRule;

/**
 * Alerts in PostgreSQL. Every change that sends a message is conditional (a row inserted or not, an update that finds
 * the row as it was read or not), so that of two instances doing it at once exactly one goes on to queue the message.
 */
@Repository
class AlertRepository {

    private static final String COLUMNS = """
            id, rule_id, rule_name, severity, subject_key, subject, text, link, event, state, fired, first_fired_at,
            last_fired_at, resolved_at, resolved_text, acknowledged_by, acknowledged_at, acknowledged_note""";

    private final JdbcClient jdbc;

    AlertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens an alert; empty when one is open for that rule and subject already (or the event had its alert). */
    Optional<Long> open(AlertRule rule, Finding finding) {
        return jdbc.sql("""
                        INSERT INTO alerts (rule_id, rule_name, severity, subject_key, subject, text, link, event)
                        VALUES (:rule, :name, :severity, :key, :subject, :text, :link, :event)
                        ON CONFLICT DO NOTHING RETURNING id""")
                .param("rule", rule.id()).param("name", rule.name()).param("severity", rule.severity().name())
                .param("key", finding.key()).param("subject", finding.subject()).param("text", finding.text())
                .param("link", finding.link()).param("event", rule.kind().event())
                .query(Long.class).optional();
    }

    /** The rule's firing alerts. */
    List<Alert> firing(long ruleId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE rule_id = :rule AND state = 'FIRING' ORDER BY id")
                .param("rule", ruleId).query(AlertRepository::alert).list();
    }

    /**
     * Counts one more message for a firing alert not acknowledged whose last one is {@code repeatSeconds} old, with the
     * text as it is now; the number of that message, or empty when it is not due (or another instance counted it).
     */
    Optional<Integer> repeat(Alert alert, long repeatSeconds, String text) {
        return jdbc.sql("""
                        UPDATE alerts SET fired = fired + 1, last_fired_at = now(), text = :text
                        WHERE id = :id AND state = 'FIRING' AND fired = :fired AND acknowledged_at IS NULL
                          AND last_fired_at <= now() - make_interval(secs => :repeat)
                        RETURNING fired""")
                .param("id", alert.id()).param("fired", alert.fired()).param("repeat", repeatSeconds)
                .param("text", text).query(Integer.class).optional();
    }

    /** Marks a firing alert resolved; false when it was no longer firing. */
    boolean resolve(long id, String text) {
        return jdbc.sql("UPDATE alerts SET state = 'RESOLVED', resolved_at = now(), resolved_text = :text"
                        + " WHERE id = :id AND state = 'FIRING'")
                .param("id", id).param("text", text).update() == 1;
    }

    /** Closes the firing condition alerts of rules deleted or disabled, without a message: nobody watches them now. */
    int closeUnwatched() {
        return jdbc.sql("""
                        UPDATE alerts a SET state = 'RESOLVED', resolved_at = now(),
                               resolved_text = CASE WHEN a.rule_id IS NULL THEN 'Closed: its rule was deleted.'
                                                    ELSE 'Closed: its rule was disabled.' END
                        WHERE a.state = 'FIRING' AND NOT a.event
                          AND (a.rule_id IS NULL OR EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = a.rule_id
                                                            AND NOT r.enabled))""").update();
    }

    Optional<Alert> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE id = :id").param("id", id)
                .query(AlertRepository::alert).optional();
    }

    /** Alerts in a state (null: all), the newest first. */
    List<Alert> page(String state, int page, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE (CAST(:state AS text) IS NULL OR state = :state)"
                        + " ORDER BY first_fired_at DESC, id DESC LIMIT :size OFFSET :offset")
                .param("state", state).param("size", size).param("offset", (long) page * size)
                .query(AlertRepository::alert).list();
    }

    long count(String state) {
        return jdbc.sql("SELECT count(*) FROM alerts WHERE (CAST(:state AS text) IS NULL OR state = :state)")
                .param("state", state).query(Long.class).single();
    }

    /**
     * Acknowledges an alert not acknowledged yet; an event's alert is closed by it (it has nothing to resolve). False
     * when someone acknowledged it first.
     */
    boolean acknowledge(long id, String user, String note) {
        return jdbc.sql("""
                        UPDATE alerts SET acknowledged_by = :user, acknowledged_at = now(), acknowledged_note = :note,
                               state = CASE WHEN event THEN 'RESOLVED' ELSE state END,
                               resolved_at = CASE WHEN event AND state = 'FIRING' THEN now() ELSE resolved_at END,
                               resolved_text = CASE WHEN event AND state = 'FIRING' THEN 'Closed by ' || :user
                                                    ELSE resolved_text END
                        WHERE id = :id AND acknowledged_at IS NULL""")
                .param("id", id).param("user", user).param("note", note).update() == 1;
    }

    private static Alert alert(ResultSet rs, int row) throws SQLException {
        long rule = rs.getLong("rule_id");
        Long ruleId = rs.wasNull() ? null : rule;
        return new Alert(rs.getLong("id"), ruleId, rs.getString("rule_name"), rs.getString("severity"),
                rs.getString("subject_key"), rs.getString("subject"), rs.getString("text"), rs.getString("link"),
                rs.getBoolean("event"), rs.getString("state"), rs.getInt("fired"), instant(rs, "first_fired_at"),
                instant(rs, "last_fired_at"), instant(rs, "resolved_at"), rs.getString("resolved_text"),
                rs.getString("acknowledged_by"), instant(rs, "acknowledged_at"), rs.getString("acknowledged_note"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
