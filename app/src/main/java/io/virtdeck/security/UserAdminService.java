package io.virtdeck.security;

import java.util.List;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;

/**
 * ADMIN's work on users: create, enable or disable, give a role, reset a password. Users are never deleted, so the
 * audit trail keeps naming people who exist. At least one enabled admin always remains.
 */
@Service
public class UserAdminService {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;
    private final ActionRunner actions;

    UserAdminService(UserAccountRepository users, PasswordEncoder passwordEncoder, ActionRunner actions) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.actions = actions;
    }

    /** {@code role} as text so that a wrong one is a 400 naming the field. */
    public record NewUser(String username, String password, String role) {
    }

    /** Only what is given changes. */
    public record UserChange(Boolean enabled, String role) {
    }

    @PreAuthorize(Access.ADMIN)
    public List<UserAccount.View> users() {
        return users.findAll().stream().map(UserAccount::view).toList();
    }

    @PreAuthorize(Access.ADMIN)
    public UserAccount.View user(long id) {
        return require(id).view();
    }

    @PreAuthorize(Access.ADMIN)
    public UserAccount.View create(NewUser request) {
        String username = request.username() == null ? "" : request.username().trim();
        return actions.plan(AuditAction.USER_CREATE, AuditObject.login(username)).check(() -> {
            if (!USERNAME.matcher(username).matches()) {
                throw VirtdeckException.invalid("username", "username must be 1 to 64 letters, digits or . _ @ -, "
                        + "starting with a letter or digit.");
            }
            PasswordPolicy.check("password", username, request.password());
        }).run(() -> {
            Role role = Role.parse("role", request.role());
            if (!users.createIfAbsent(username, passwordEncoder.encode(request.password()), role)) {
                throw VirtdeckException.conflict("username", "A user named '" + username + "' exists already.");
            }
            UserAccount created = users.findByUsername(username).orElseThrow();
            return Done.of(created.view(), "role " + role).about(AuditObject.user(created.id(), username));
        });
    }

    /** Disabling ends the user's sessions and tokens at their next request (see {@link LiveAccountFilter}). */
    // a refusal writes nothing but its audit entry, which must stay
    @PreAuthorize(Access.ADMIN)
    @Transactional(noRollbackFor = VirtdeckException.class)
    public UserAccount.View update(long id, UserChange change) {
        UserAccount user = require(id);
        Role role = change.role() == null ? user.role() : Role.parse("role", change.role());
        boolean enabled = change.enabled() == null ? user.enabled() : change.enabled();
        List<Long> admins = users.lockEnabledAdmins();
        boolean remainsAdmin = role == Role.ADMIN && enabled;
        if (role == user.role() && enabled == user.enabled()) {
            return user.view(); // nothing changes, nothing to audit
        }
        // one entry: named by the switch off, else the new role, else the switch on; its detail says all that changed
        AuditAction action = !enabled && user.enabled() ? AuditAction.USER_DISABLE
                : role != user.role() ? AuditAction.USER_ROLE : AuditAction.USER_ENABLE;
        String detail = role == user.role() ? null : user.role() + " -> " + role
                + (enabled == user.enabled() ? "" : enabled ? ", enabled" : ", disabled");
        actions.plan(action, AuditObject.user(id, user.username())).check(() -> {
            if (!remainsAdmin && admins.equals(List.of(user.id()))) {
                throw VirtdeckException.conflict(enabled ? "role" : "enabled", "'" + user.username()
                        + "' is the last enabled admin: make another user an admin first.");
            }
        }).run(() -> {
            users.update(id, role, enabled);
            return Done.noted(detail);
        });
        return require(id).view();
    }

    @PreAuthorize(Access.ADMIN)
    public void resetPassword(long id, String password) {
        UserAccount user = require(id);
        actions.plan(AuditAction.USER_PASSWORD, AuditObject.user(id, user.username()))
                .check(() -> PasswordPolicy.check("password", user.username(), password))
                .run(() -> {
                    users.updatePasswordHash(id, passwordEncoder.encode(password));
                    return Done.noted("reset by an admin");
                });
    }

    private UserAccount require(long id) {
        return users.findById(id).orElseThrow(() -> VirtdeckException.notFound("There is no user " + id + "."));
    }
}
