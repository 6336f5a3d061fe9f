package io.virtdeck.security;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.VirtdeckException;

/** What every user does to their own account: see it, change its password. */
@Service
public class AccountService {

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;
    private final AuditLog audit;

    AccountService(UserAccountRepository users, PasswordEncoder passwordEncoder, AuditLog audit) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
    }

    @PreAuthorize(Access.SIGNED_IN)
    public UserAccount.View me() {
        return current().view();
    }

    /** The current password is asked for, so a session left open (or a token) cannot take the account over. */
    @PreAuthorize(Access.SIGNED_IN)
    public void changePassword(String currentPassword, String newPassword) {
        UserAccount user = current();
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, user.passwordHash())) {
            audit.record(AuditAction.USER_PASSWORD, AuditObject.user(user.id(), user.username()), Outcome.FAILURE,
                    "the current password given was wrong");
            throw VirtdeckException.invalid("currentPassword", "currentPassword is not your current password.");
        }
        PasswordPolicy.check("newPassword", user.username(), newPassword);
        users.updatePasswordHash(user.id(), passwordEncoder.encode(newPassword));
        audit.record(AuditAction.USER_PASSWORD, AuditObject.user(user.id(), user.username()), Outcome.SUCCESS,
                "changed by the user");
    }

    public UserAccount current() {
        return users.findByUsername(CurrentUser.name())
                .orElseThrow(() -> VirtdeckException.notFound("Your account is not one of Virtdeck's users."));
    }
}
