package io.virtdeck.security;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditScope;
import io.virtdeck.core.ObjectScope;

/**
 * Those who may change everything (a role on '/' that may operate: admins, operators) read the whole trail, as
 * before grants; anyone else the entries about the guests and hosts they may read (Proxmox shows a user the log of
 * what they can see), never those about users, grants or logins. 403 for those who may read nothing.
 */
@Component
class GrantedAuditScope implements AuditScope {

    private final Permissions permissions;

    GrantedAuditScope(Permissions permissions) {
        this.permissions = permissions;
    }

    @Override
    public ObjectScope readable() {
        if (permissions.allows(Action.OPERATE, ObjectRef.root())) {
            return ObjectScope.ALL;
        }
        ObjectScope scope = permissions.scope(Action.READ_HISTORY, Action.READ_HISTORY);
        if (scope.nothing()) {
            throw new AccessDeniedException("no object to read the audit trail of");
        }
        return scope;
    }
}
