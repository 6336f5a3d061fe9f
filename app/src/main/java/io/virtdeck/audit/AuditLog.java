package io.virtdeck.audit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.core.CurrentUser;

/**
 * Writes the append-only record of who did what to which object and what came of it (changing actions through
 * {@code action.ActionRunner}, which audits refusals too). Actions are recorded under the
 * acting user; system events (a host lost or back, a guest changed outside Virtdeck) under {@code system}.
 */
@Service
public class AuditLog {

    private static final int DETAIL_LIMIT = 4000;

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(AuditAction action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        recordAs(CurrentUser.name(), action, object, outcome, detail);
    }

    /** Records under a named user, for work on threads that carry no login (a console's WebSocket). */
    public void recordAs(String user, AuditAction action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        jdbc.sql("""
                        INSERT INTO audit_events (username, action, object_type, object_id, object_name, outcome, detail)
                        VALUES (:user, :action, :type, :id, :name, :outcome, :detail)""")
                .param("user", user)
                .param("action", action.code())
                .param("type", object.type())
                .param("id", object.id())
                .param("name", object.name())
                .param("outcome", outcome.name())
                .param("detail", detail == null || detail.length() <= DETAIL_LIMIT ? detail
                        : detail.substring(0, DETAIL_LIMIT))
                .update();
    }

    /** Records a system event: something Virtdeck saw happen, not something a person asked for. */
    public void event(AuditAction action, AuditObject object, String detail) {
        record(action, object, AuditEntry.Outcome.INFO, detail);
    }
}
