package io.virtdeck.alerts.rules;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Alert rules in PostgreSQL: the kind's parameters as JSON, the targets in alert_rule_targets. */
@Repository
class AlertRuleRepository {

    private static final String COLUMNS = """
            r.id, r.name, r.kind, r.severity, r.parameters::text AS parameters, r.repeat_seconds, r.enabled,
            r.seen_audit_id, r.seen_until,
            ARRAY(SELECT t.target_id FROM alert_rule_targets t WHERE t.rule_id = r.id ORDER BY t.target_id) AS targets""";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AlertRuleRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<AlertRule> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_rules r ORDER BY lower(r.name)").query(this::rule).list();
    }

    List<AlertRule> findEnabled() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_rules r WHERE r.enabled ORDER BY r.id")
                .query(this::rule).list();
    }

    Optional<AlertRule> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_rules r WHERE r.id = :id").param("id", id)
                .query(this::rule).optional();
    }

    Optional<Long> idByName(String name) {
        return jdbc.sql("SELECT id FROM alert_rules WHERE name = :name").param("name", name).query(Long.class)
                .optional();
    }

    /** A new rule; its events are those that happen from now on. */
    @Transactional
    long insert(Stored rule) {
        long id = jdbc.sql("""
                        INSERT INTO alert_rules (name, kind, severity, parameters, repeat_seconds, enabled, seen_audit_id,
                                                 seen_until)
                        VALUES (:name, :kind, :severity, CAST(:parameters AS jsonb), :repeat, :enabled,
                                (SELECT coalesce(max(id), 0) FROM audit_events), now())
                        RETURNING id""")
                .param("name", rule.name()).param("kind", rule.kind().name())
                .param("severity", rule.severity().name()).param("parameters", parameters(rule.parameters()))
                .param("repeat", rule.repeat() == null ? null : (int) rule.repeat().toSeconds())
                .param("enabled", rule.enabled()).query(Long.class).single();
        targets(id, rule.targetIds());
        return id;
    }

    /** Changes the rule; a rule given another kind starts reading events from now. */
    @Transactional
    void update(long id, Stored rule) {
        jdbc.sql("""
                        UPDATE alert_rules SET name = :name, severity = :severity,
                               parameters = CAST(:parameters AS jsonb), repeat_seconds = :repeat, enabled = :enabled,
                               seen_audit_id = CASE WHEN kind = :kind THEN seen_audit_id
                                                    ELSE (SELECT coalesce(max(id), 0) FROM audit_events) END,
                               seen_until = CASE WHEN kind = :kind THEN seen_until ELSE now() END,
                               kind = :kind, updated_at = now()
                        WHERE id = :id""")
                .param("id", id).param("name", rule.name()).param("kind", rule.kind().name())
                .param("severity", rule.severity().name()).param("parameters", parameters(rule.parameters()))
                .param("repeat", rule.repeat() == null ? null : (int) rule.repeat().toSeconds())
                .param("enabled", rule.enabled()).update();
        jdbc.sql("DELETE FROM alert_rule_targets WHERE rule_id = :id").param("id", id).update();
        targets(id, rule.targetIds());
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM alert_rules WHERE id = :id").param("id", id).update() == 1;
    }

    /** Moves the rule's reading position forward (never back: another instance may have read further). */
    void advance(long id, long auditId, Instant until) {
        jdbc.sql("UPDATE alert_rules SET seen_audit_id = GREATEST(seen_audit_id, :audit),"
                        + " seen_until = GREATEST(seen_until, :until) WHERE id = :id")
                .param("id", id).param("audit", auditId).param("until", java.sql.Timestamp.from(until)).update();
    }

    /** A rule checked and ready to store. */
    record Stored(String name, AlertRuleKind kind, AlertRule.Severity severity, AlertRule.Parameters parameters,
                  Duration repeat, boolean enabled, List<Long> targetIds) {
    }

    private void targets(long id, List<Long> targetIds) {
        for (Long target : targetIds) {
            jdbc.sql("INSERT INTO alert_rule_targets (rule_id, target_id) VALUES (:rule, :target)"
                    + " ON CONFLICT DO NOTHING").param("rule", id).param("target", target).update();
        }
    }

    private String parameters(AlertRule.Parameters p) {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, AlertRuleKind.Parameter.PERCENT, p.percent());
        put(map, AlertRuleKind.Parameter.DAYS, p.days());
        put(map, AlertRuleKind.Parameter.RATIO, p.ratio());
        put(map, AlertRuleKind.Parameter.MINUTES, p.minutes());
        put(map, AlertRuleKind.Parameter.TASK_TYPE, p.taskType());
        put(map, AlertRuleKind.Parameter.GUEST, p.guest());
        return json.writeValueAsString(map);
    }

    private static void put(Map<String, Object> map, AlertRuleKind.Parameter parameter, Object value) {
        if (value != null) {
            map.put(parameter.field(), value);
        }
    }

    private AlertRule rule(ResultSet rs, int row) throws SQLException {
        JsonNode p = json.readTree(rs.getString("parameters"));
        AlertRule.Parameters parameters = new AlertRule.Parameters(
                p.hasNonNull("percent") ? p.get("percent").asInt() : null,
                p.hasNonNull("days") ? p.get("days").asInt() : null,
                p.hasNonNull("ratio") ? p.get("ratio").asDouble() : null,
                p.hasNonNull("minutes") ? p.get("minutes").asInt() : null,
                p.hasNonNull("taskType") ? p.get("taskType").asString() : null,
                p.hasNonNull("guest") ? p.get("guest").asString() : null);
        List<Long> targets = new ArrayList<>();
        try (ResultSet ids = rs.getArray("targets").getResultSet()) {
            while (ids.next()) {
                targets.add(ids.getLong(2));
            }
        }
        int seconds = rs.getInt("repeat_seconds");
        Duration repeat = rs.wasNull() ? null : Duration.ofSeconds(seconds);
        return new AlertRule(rs.getLong("id"), rs.getString("name"), AlertRuleKind.valueOf(rs.getString("kind")),
                AlertRule.Severity.valueOf(rs.getString("severity")), parameters,
                repeat, rs.getBoolean("enabled"), List.copyOf(targets),
                rs.getLong("seen_audit_id"), rs.getTimestamp("seen_until").toInstant());
    }
}
