package io.virtdeck.security;

/**
 * The {@code @PreAuthorize} expressions of the checks that are still by the role on '/' alone (users, console
 * sessions, one's own account). Everything about one guest or host, and the lists of them, tasks and the audit trail
 * included, is checked by {@link Permissions} instead, which counts grants too.
 */
public final class Access {

    /** Users and other people's sessions. */
    public static final String ADMIN = "hasRole('ADMIN')";
    /** One's own account: password and API tokens. */
    public static final String SIGNED_IN = "isAuthenticated()";

    private Access() {
    }
}
