package io.virtdeck.core;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is acting on this thread; {@code system} for Virtdeck's own work (events, reconcile, start-up). */
public final class CurrentUser {

    public static final String SYSTEM = "system";

    private CurrentUser() {
    }

    public static String name() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null || !authentication.isAuthenticated() ? SYSTEM : authentication.getName();
    }

    public static boolean hasRole(Role role) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null) {
            return false;
        }
        String wanted = "ROLE_" + role.name();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (wanted.equals(authority.getAuthority())) {
                return true;
            }
        }
        return false;
    }

    /** The role this request acts with: the user's, or an API token's narrower one. */
    public static Optional<Role> role() {
        for (Role role : Role.values()) {
            if (hasRole(role)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
