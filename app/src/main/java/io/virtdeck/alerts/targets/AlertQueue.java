package io.virtdeck.alerts.targets;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How the alert rules hand messages over: rows added to the outbox in the caller's transaction (so an alert opened
 * and its messages are stored together or not at all), which the senders then deliver.
 */
@Component
public class AlertQueue {

    private final JdbcClient jdbc;

    AlertQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every target's name by id, for the rules' forms and checks (no secrets, no settings). */
    public Map<Long, String> targetNames() {
        Map<Long, String> names = new LinkedHashMap<>();
        jdbc.sql("SELECT id, name FROM alert_targets ORDER BY name")
                .query((rs, n) -> names.put(rs.getLong("id"), rs.getString("name"))).list();
        return names;
    }

    /**
     * Queues {@code json} (the message as a webhook receives it) for each of the targets that still exist; a
     * {@code dedupeKey} already queued for a target is not queued again, whoever queues it.
     */
    public void add(Collection<Long> targetIds, String dedupeKey, String subject, String json) {
        if (targetIds.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO alert_deliveries (target_id, dedupe_key, subject, message)
                        SELECT id, :key, :subject, CAST(:message AS jsonb) FROM alert_targets WHERE id IN (:ids)
                        ON CONFLICT (target_id, dedupe_key) DO NOTHING""")
                .param("ids", List.copyOf(targetIds)).param("key", dedupeKey).param("subject", subject)
                .param("message", json).update();
    }
}
