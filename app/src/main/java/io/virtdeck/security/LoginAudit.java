package io.virtdeck.security;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;

/**
 * Logins through the login page and logouts. HTTP Basic checks a password on every API call: those are audited only
 * when they fail ({@link LoginThrottle}), or the trail would be one entry per call.
 */
@Component
class LoginAudit {

    private final AuditLog audit;

    LoginAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void loggedIn(InteractiveAuthenticationSuccessEvent event) {
        String from = event.getAuthentication().getDetails() instanceof WebAuthenticationDetails web
                ? "from " + web.getRemoteAddress() : null;
        String user = event.getAuthentication().getName();
        audit.recordAs(user, AuditAction.LOGIN_SUCCESS, AuditObject.login(user), Outcome.SUCCESS, from);
    }

    @EventListener
    void loggedOut(LogoutSuccessEvent event) {
        String user = event.getAuthentication().getName();
        audit.recordAs(user, AuditAction.LOGOUT, AuditObject.login(user), Outcome.SUCCESS, null);
    }
}
