package io.virtdeck.security;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/**
 * Logs people in from the users table; the role becomes the single authority ROLE_&lt;role&gt;, their role on '/'.
 * A user without one holds only what grants give them ({@link Permissions}).
 */
@Service
public class DatabaseUserDetailsService implements UserDetailsService {

    private final UserAccountRepository users;

    public DatabaseUserDetailsService(UserAccountRepository users) {
        this.users = users;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        UserAccount account = users.findByUsername(username)
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
        return User.withUsername(account.username())
                .password(account.passwordHash())
                .roles(account.role() == null ? new String[0] : new String[] {account.role().name()})
                .disabled(!account.enabled())
                .build();
    }
}
