package io.virtdeck.audit;

import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;

/**
 * Writes the append-only record of who did what to which object and what came of it. Actions are recorded under the
 * acting user; system events (a host lost or back, a guest changed outside Virtdeck) under {@code system}.
 */
@Service
public class AuditLog {

    private static final int DETAIL_LIMIT = 4000;

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Runs a change libvirt makes on a host and records it whatever comes of it; a refusal by libvirt answers 409 with
     * libvirt's reason in a person's words.
     */
    public <T> T hostChange(String action, AuditObject object, String detail, Supplier<T> change) {
        try {
            T result = change.get();
            record(action, object, AuditEntry.Outcome.SUCCESS, detail);
            return result;
        } catch (HypervisorException e) {
            record(action, object, AuditEntry.Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict(HypervisorErrors.message(e));
        }
    }

    public void record(String action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        recordAs(CurrentUser.name(), action, object, outcome, detail);
    }

    /** Records under a named user, for work on threads that carry no login (a console's WebSocket). */
    public void recordAs(String user, String action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        jdbc.sql("""
                        INSERT INTO audit_events (username, action, object_type, object_id, object_name, outcome, detail)
                        VALUES (:user, :action, :type, :id, :name, :outcome, :detail)""")
                .param("user", user)
                .param("action", action)
                .param("type", object.type())
                .param("id", object.id())
                .param("name", object.name())
                .param("outcome", outcome.name())
                .param("detail", detail == null || detail.length() <= DETAIL_LIMIT ? detail
                        : detail.substring(0, DETAIL_LIMIT))
                .update();
    }

    /** Records a system event: something Virtdeck saw happen, not something a person asked for. */
    public void event(String action, AuditObject object, String detail) {
        record(action, object, AuditEntry.Outcome.INFO, detail);
    }
}
