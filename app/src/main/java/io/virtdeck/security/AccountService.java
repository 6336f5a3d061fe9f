package io.virtdeck.security;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.VirtdeckException;

/** What every user does to their own account: see it, change its password. */
@Service
public class AccountService {

    private final UserAccountRepository users;
    private final PasswordEncoder passwordEncoder;
    private final ActionRunner actions;

    AccountService(UserAccountRepository users, PasswordEncoder passwordEncoder, ActionRunner actions) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.actions = actions;
    }

    @PreAuthorize(Access.SIGNED_IN)
    public UserAccount.View me() {
        return current().view();
    }

    /** The current password is asked for, so a session left open (or a token) cannot take the account over. */
    @PreAuthorize(Access.SIGNED_IN)
    public void changePassword(String currentPassword, String newPassword) {
        UserAccount user = current();
        actions.plan(AuditAction.USER_PASSWORD, AuditObject.user(user.id(), user.username())).check(() -> {
            if (currentPassword == null || !passwordEncoder.matches(currentPassword, user.passwordHash())) {
                throw VirtdeckException.invalid("currentPassword", "currentPassword is not your current password.");
            }
            PasswordPolicy.check("newPassword", user.username(), newPassword);
        }).run(() -> {
            users.updatePasswordHash(user.id(), passwordEncoder.encode(newPassword));
            return Done.noted("changed by the user");
        });
    }

    public UserAccount current() {
        return users.findByUsername(CurrentUser.name())
                .orElseThrow(() -> VirtdeckException.notFound("Your account is not one of Virtdeck's users."));
    }
}
