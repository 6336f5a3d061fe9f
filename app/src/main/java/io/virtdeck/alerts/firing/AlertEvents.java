package io.virtdeck.alerts.firing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import io.virtdeck.alerts.rules.AlertRule;
import io.virtdeck.audit.AuditAction;

/**
 * The events an event rule fires for, read from where Virtdeck records them: the audit log (a guest changed outside
 * Virtdeck, an HA restart done, a backup failed, a console opened) and the tasks (a task failed).
 * <p>
 * A rule's position only moves past rows older than {@link #BEHIND}, so a row written by a transaction that ended a
 * little late is still found; the newest rows are read again at the next round, which does no harm, since an event
 * opens one alert ever ({@code alerts_once_per_event}).
 */
@Component
class AlertEvents {

    /** How long a row may take between getting its id or time and being visible to others. */
    static final Duration BEHIND = Duration.ofSeconds(30);
    private static final int BATCH = 500;
    /**
     * A backup that began and did not complete (its point failed), or a scheduled backup that was refused (the guest
     * busy at 02:00): nobody was there to see it. A refusal of a backup someone asked for is the answer that person
     * got at once, not a failed backup.
     */
    private static final String BACKUP_NOT_MADE = """
            (username LIKE 'job:%' OR EXISTS (SELECT 1 FROM tasks t JOIN backup_points p ON p.task_id = t.id
                WHERE t.type = 'backup.run' AND t.object_type = audit_events.object_type
                  AND t.object_id = audit_events.object_id AND p.state = 'FAILED' AND audit_events.detail <> ''
                  AND left(p.failure, length(audit_events.detail)) = audit_events.detail))""";

    private final JdbcClient jdbc;

    AlertEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What was read, and the position to keep for the next read. */
    record Read(List<Finding> events, long seenAuditId, Instant seenUntil) {
    }

    Read since(AlertRule rule) {
        return switch (rule.kind()) {
            case GUEST_CHANGED_OUTSIDE -> audit(rule, List.of(AuditAction.GUEST_CHANGED_OUTSIDE), List.of("INFO"),
                    null, null, (rs, object) -> object + " changed outside Virtdeck: " + rs.getString("detail"));
            case HA_RESTART_DONE -> audit(rule, List.of(AuditAction.GUEST_HA_RESTART), List.of("SUCCESS"), null,
                    null, (rs, object) -> "HA restart of " + inSentence(object) + " done: "
                            + rs.getString("detail"));
            case BACKUP_FAILED -> audit(rule, List.of(AuditAction.BACKUP_RUN), List.of("FAILURE"), null,
                    BACKUP_NOT_MADE, (rs, object) -> "Backup of " + inSentence(object) + " failed: "
                            + rs.getString("detail"));
            case CONSOLE_OPENED -> audit(rule, List.of(AuditAction.CONSOLE_OPEN, AuditAction.CONSOLE_SERIAL_OPEN),
                    List.of("SUCCESS"), rule.parameters().guest(), null,
                    (rs, object) -> (AuditAction.CONSOLE_SERIAL_OPEN.code().equals(rs.getString("action"))
                            ? "Serial console of " : "Console of ") + inSentence(object)
                            + " opened by " + rs.getString("username") + " at "
                            + AlertWords.time(rs.getTimestamp("at").toInstant()));
            case TASK_FAILED -> tasks(rule);
            default -> throw new IllegalArgumentException(rule.kind() + " is a condition, not an event");
        };
    }

    /** How an audit row is told; {@code object} is "Guest web1". */
    private interface Words {
        String of(ResultSet rs, String object) throws SQLException;
    }

    /** @param only a further condition on the rows (one of the constants here), or null */
    private Read audit(AlertRule rule, List<AuditAction> actions, List<String> outcomes, String objectName,
                       String only, Words words) {
        List<Finding> events = jdbc.sql("""
                        SELECT id, at, username, action, object_type, object_id, object_name, detail FROM audit_events
                        WHERE id > :seen AND action IN (:actions) AND outcome IN (:outcomes)
                          AND (CAST(:name AS text) IS NULL OR (object_type = 'guest' AND object_name = :name))
                        """ + (only == null ? "" : " AND " + only) + " ORDER BY id LIMIT :batch")
                .param("seen", rule.seenAuditId()).param("actions", actions.stream()
                        .map(AuditAction::code).toList())
                .param("outcomes", outcomes).param("name", objectName).param("batch", BATCH)
                .query((rs, n) -> {
                    String object = object(rs.getString("object_type"), rs.getString("object_name"),
                            rs.getString("object_id"));
                    return new Finding("audit:" + rs.getLong("id"), object, words.of(rs, object),
                            link(rs.getString("object_type"), rs.getString("object_id")));
                }).list();
        // the position moves past what is older than BEHIND; a full batch stops it at the last row read
        long upTo = jdbc.sql("SELECT coalesce(max(id), :seen) FROM audit_events WHERE id > :seen AND at < :before")
                .param("seen", rule.seenAuditId()).param("before", Timestamp.from(Instant.now().minus(BEHIND)))
                .query(Long.class).single();
        if (events.size() == BATCH) {
            upTo = Math.min(upTo, Long.parseLong(events.get(BATCH - 1).key().substring("audit:".length())));
        }
        return new Read(events, upTo, rule.seenUntil());
    }

    private Read tasks(AlertRule rule) {
        Instant from = rule.seenUntil().minus(BEHIND);
        List<Instant> ended = new ArrayList<>();
        List<Finding> events = jdbc.sql("""
                        SELECT id, type, object_type, object_id, object_name, message, finished_at FROM tasks
                        WHERE state = 'FAILED' AND type = :type AND finished_at >= :from
                        ORDER BY finished_at, id LIMIT :batch""")
                .param("type", rule.parameters().taskType()).param("from", Timestamp.from(from))
                .param("batch", BATCH)
                .query((rs, n) -> {
                    ended.add(rs.getTimestamp("finished_at").toInstant());
                    String object = object(rs.getString("object_type"), rs.getString("object_name"),
                            rs.getString("object_id"));
                    String message = rs.getString("message");
                    return new Finding("task:" + rs.getLong("id"), object, "Task " + rs.getString("type") + " on "
                            + inSentence(object) + " failed"
                            + (message == null || message.isBlank() ? "" : ": " + message.strip()),
                            "/tasks");
                }).list();
        // a full batch: the next read starts at its last row, not behind it again
        Instant until = events.size() == BATCH ? ended.get(BATCH - 1).plus(BEHIND)
                : jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
        return new Read(events, rule.seenAuditId(), until);
    }


    /** "Guest web1", "Host lab2"; the id when the name is not known. */
    private static String object(String type, String name, String id) {
        String kind = type == null || type.isEmpty() ? "Object"
                : Character.toUpperCase(type.charAt(0)) + type.substring(1);
        return kind + " " + (name != null && !name.isBlank() ? name : id != null ? "#" + id : "(unnamed)");
    }

    /** "guest Web1" inside a sentence: the kind lower case, the name as it is. */
    private static String inSentence(String object) {
        return Character.toLowerCase(object.charAt(0)) + object.substring(1);
    }

    private static String link(String type, String id) {
        if (id == null || !id.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return switch (type) {
            case "guest" -> "/guests/" + id;
            case "host" -> "/hosts/" + id;
            default -> null;
        };
    }
}
