package io.virtdeck.security;

import java.util.List;
import java.util.regex.Pattern;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
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
    private final AuditLog audit;

    UserAdminService(UserAccountRepository users, PasswordEncoder passwordEncoder, AuditLog audit) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
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
        if (!USERNAME.matcher(username).matches()) {
            throw VirtdeckException.invalid("username", "username must be 1 to 64 letters, digits or . _ @ -, "
                    + "starting with a letter or digit.");
        }
        Role role = Role.parse("role", request.role());
        PasswordPolicy.check("password", username, request.password());
        if (!users.createIfAbsent(username, passwordEncoder.encode(request.password()), role)) {
            throw VirtdeckException.conflict("username", "A user named '" + username + "' exists already.");
        }
        UserAccount created = users.findByUsername(username).orElseThrow();
        audit.record(AuditAction.USER_CREATE, AuditObject.user(created.id(), username), Outcome.SUCCESS, "role " + role);
        return created.view();
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
        if (!remainsAdmin && admins.equals(List.of(user.id()))) {
            String refusal = "'" + user.username() + "' is the last enabled admin: make another user an admin first.";
            audit.record(enabled ? AuditAction.USER_ROLE : AuditAction.USER_DISABLE, AuditObject.user(id, user.username()),
                    Outcome.FAILURE, refusal);
            throw VirtdeckException.conflict(enabled ? "role" : "enabled", refusal);
        }
        users.update(id, role, enabled);
        if (role != user.role()) {
            audit.record(AuditAction.USER_ROLE, AuditObject.user(id, user.username()), Outcome.SUCCESS,
                    user.role() + " -> " + role);
        }
        if (enabled != user.enabled()) {
            audit.record(enabled ? AuditAction.USER_ENABLE : AuditAction.USER_DISABLE, AuditObject.user(id, user.username()),
                    Outcome.SUCCESS, null);
        }
        return require(id).view();
    }

    @PreAuthorize(Access.ADMIN)
    public void resetPassword(long id, String password) {
        UserAccount user = require(id);
        PasswordPolicy.check("password", user.username(), password);
        users.updatePasswordHash(id, passwordEncoder.encode(password));
        audit.record(AuditAction.USER_PASSWORD, AuditObject.user(id, user.username()), Outcome.SUCCESS, "reset by an admin");
    }

    private UserAccount require(long id) {
        return users.findById(id).orElseThrow(() -> VirtdeckException.notFound("There is no user " + id + "."));
    }
}
