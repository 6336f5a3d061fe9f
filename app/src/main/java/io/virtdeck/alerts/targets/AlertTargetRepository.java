package io.virtdeck.alerts.targets;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.security.SecretBox;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alert targets in PostgreSQL: settings as JSON, the secret encrypted ({@link SecretBox}) and bound to the target's id,
 * so that a secret copied onto another target does not decrypt. {@link #secret} is the only place it is decrypted.
 */
@Repository
class AlertTargetRepository {

    private static final String COLUMNS = "id, name, kind, settings::text AS settings, secret IS NOT NULL AS has_secret";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SecretBox box;

    AlertTargetRepository(JdbcClient jdbc, JsonMapper json, SecretBox box) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
    }

    List<AlertTarget> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_targets ORDER BY name").query(this::target).list();
    }

    Optional<AlertTarget> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_targets WHERE id = :id").param("id", id)
                .query(this::target).optional();
    }

    Optional<AlertTarget> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alert_targets WHERE name = :name").param("name", name)
                .query(this::target).optional();
    }

    /** Stores a new target; its secret (null for none) is encrypted once its id is known. */
    @Transactional
    long insert(String name, AlertTarget.Kind kind, Object settings, String secret) {
        long id = jdbc.sql("INSERT INTO alert_targets (name, kind, settings) VALUES (:name, :kind,"
                        + " CAST(:settings AS jsonb)) RETURNING id")
                .param("name", name).param("kind", kind.name()).param("settings", json.writeValueAsString(settings))
                .query(Long.class).single();
        if (secret != null) {
            storeSecret(id, secret);
        }
        return id;
    }

    /** Changes a target's name and settings; a null secret keeps the stored one. */
    @Transactional
    void update(long id, String name, Object settings, String secret) {
        jdbc.sql("UPDATE alert_targets SET name = :name, settings = CAST(:settings AS jsonb), updated_at = now()"
                        + " WHERE id = :id")
                .param("id", id).param("name", name).param("settings", json.writeValueAsString(settings)).update();
        if (secret != null) {
            storeSecret(id, secret);
        }
    }

    /** Removes the stored secret (a mail server that no longer asks for a password). */
    void clearSecret(long id) {
        jdbc.sql("UPDATE alert_targets SET secret = NULL WHERE id = :id").param("id", id).update();
    }

    /** Deletes the target and its deliveries. */
    boolean delete(long id) {
        return jdbc.sql("DELETE FROM alert_targets WHERE id = :id").param("id", id).update() == 1;
    }

    /**
     * The target's secret, decrypted, for sending; null when it has none. One that does not decrypt (another
     * instance's key) is a failure in plain words.
     */
    String secret(long id) {
        byte[] sealed = jdbc.sql("SELECT secret FROM alert_targets WHERE id = :id").param("id", id)
                .query((rs, n) -> rs.getBytes(1)).optional().orElse(null);
        if (sealed == null) {
            return null;
        }
        try {
            return new String(box.decrypt(sealed, boundTo(id)), StandardCharsets.UTF_8);
        } catch (SecretBox.UnreadableSecret | IllegalStateException e) {
            throw new IllegalStateException("Virtdeck cannot use the target's stored secret: " + e.getMessage()
                    + "; enter it again on the target's form");
        }
    }

    /** Each target's most recent delivery, by target id. */
    Map<Long, AlertTargetView.LastDelivery> lastDeliveries() {
        Map<Long, AlertTargetView.LastDelivery> last = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (target_id) target_id, id, subject, state, attempts, last_error, created_at,
                               sent_at, CASE WHEN state = 'PENDING' THEN next_attempt_at END AS next_attempt_at
                        FROM alert_deliveries ORDER BY target_id, id DESC""")
                .query((rs, n) -> last.put(rs.getLong("target_id"), new AlertTargetView.LastDelivery(rs.getLong("id"),
                        rs.getString("subject"), rs.getString("state"), rs.getInt("attempts"),
                        rs.getString("last_error"), instant(rs.getTimestamp("created_at")),
                        instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("next_attempt_at"))))).list();
        return last;
    }

    private void storeSecret(long id, String secret) {
        byte[] sealed;
        try {
            sealed = box.encrypt(secret.getBytes(StandardCharsets.UTF_8), boundTo(id));
        } catch (IllegalStateException e) {
            // the instance's secret key is misconfigured: the transaction rolls back, the admin is told what to fix
            throw VirtdeckException.conflict("secret", "Virtdeck cannot encrypt the secret: " + e.getMessage() + ".");
        }
        jdbc.sql("UPDATE alert_targets SET secret = :secret WHERE id = :id").param("id", id).param("secret", sealed)
                .update();
    }

    private static String boundTo(long id) {
        return "alert-target:" + id;
    }

    private AlertTarget target(ResultSet rs, int row) throws SQLException {
        AlertTarget.Kind kind = AlertTarget.Kind.valueOf(rs.getString("kind"));
        JsonNode settings = json.readTree(rs.getString("settings"));
        AlertTarget.Mail mail = null;
        AlertTarget.Webhook webhook = null;
        if (kind == AlertTarget.Kind.MAIL) {
            List<String> to = new ArrayList<>();
            settings.path("to").forEach(address -> to.add(address.asString()));
            mail = new AlertTarget.Mail(settings.path("host").asString(), settings.path("port").asInt(),
                    AlertTarget.Security.valueOf(settings.path("security").asString()), text(settings, "username"),
                    settings.path("from").asString(), List.copyOf(to), text(settings, "caCertificate"));
        } else {
            webhook = new AlertTarget.Webhook(settings.path("url").asString());
        }
        return new AlertTarget(rs.getLong("id"), rs.getString("name"), kind, mail, webhook, rs.getBoolean("has_secret"));
    }

    private static String text(JsonNode settings, String field) {
        JsonNode value = settings.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static java.time.Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
