package io.virtdeck.alerts.firing;

import java.util.Locale;

import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.DatabaseOutage;
import io.virtdeck.core.Page;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * The alerts as people see them: administrators, operators and viewers read them and acknowledge them with a note;
 * help desk neither.
 */
@Service
public class AlertService {

    private static final int NOTE_LIMIT = 1000;

    private final AlertRepository alerts;
    private final ActionRunner actions;
    private final Permissions permissions;

    AlertService(AlertRepository alerts, ActionRunner actions, Permissions permissions) {
        this.alerts = alerts;
        this.actions = actions;
        this.permissions = permissions;
    }

    /** @param state FIRING, RESOLVED, or null for all; the newest first */
    public Page<Alert> list(String state, Integer page, Integer size) {
        requireRead();
        String checked = state(state);
        int p = Page.checkedPage(page);
        int s = Page.checkedSize(size, 50);
        return new Page<>(alerts.page(checked, p, s), alerts.count(checked), p, s);
    }

    public Alert get(long id) {
        requireRead();
        return require(id);
    }

    /** Whether the current user sees alerts: for the navigation. */
    public boolean mayRead() {
        return permissions.allows(Action.READ_HOST, ObjectRef.root());
    }

    /**
     * How many alerts fire now, for the navigation; 0 for those who may not read them, and while the database is away
     * (the page that says so is drawn in the same layout).
     */
    public long firingCount() {
        try {
            return mayRead() ? alerts.count("FIRING") : 0;
        } catch (DataAccessException e) {
            if (DatabaseOutage.causedBy(e)) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Acknowledges the alert with an optional note: a condition is no longer repeated (it still sends its resolved
     * message); an event's alert is closed. 409 when it was acknowledged already.
     */
    public Alert acknowledge(long id, String note) {
        Alert alert = require(id);
        String about = alert.rule() + ": " + alert.subject();
        // the audit's object name holds 255 characters; the whole text is in the alert
        AuditObject subject = new AuditObject("alert", Long.toString(id),
                about.length() <= 255 ? about : about.substring(0, 254) + "…");
        return actions.plan(AuditAction.ALERT_ACKNOWLEDGE, subject).evenWhileBusy()
                .permit(this::requireRead)
                .check(() -> note(note))
                .run(() -> {
                    if (!alerts.acknowledge(id, CurrentUser.name(), note(note))) {
                        Alert now = require(id);
                        throw VirtdeckException.conflict("This alert was acknowledged already by "
                                + now.acknowledgedBy() + ".");
                    }
                    String kept = note(note);
                    return Done.of(require(id), kept == null ? "no note" : "note: " + kept);
                });
    }

    private static String note(String note) {
        String kept = note == null || note.isBlank() ? null : note.strip();
        if (kept != null && kept.length() > NOTE_LIMIT) {
            throw VirtdeckException.invalid("note", "note must be at most " + NOTE_LIMIT + " characters.");
        }
        return kept;
    }

    private static String state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        String upper = state.strip().toUpperCase(Locale.ROOT);
        if (!upper.equals("FIRING") && !upper.equals("RESOLVED")) {
            throw VirtdeckException.invalid("state", "state must be FIRING or RESOLVED, not '" + state + "'.");
        }
        return upper;
    }

    private void requireRead() {
        permissions.require(Action.READ_HOST, ObjectRef.root()); // those who watch the fleet: not help desk
    }

    private Alert require(long id) {
        return alerts.find(id).orElseThrow(() -> VirtdeckException.notFound("There is no alert with id " + id + "."));
    }
}
