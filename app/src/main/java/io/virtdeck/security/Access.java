package io.virtdeck.security;

/**
 * The {@code @PreAuthorize} expressions of the checks that are still by the role on '/' alone (tasks, audit, console
 * sessions). Everything about one guest or host, and the lists of them, is checked by {@link Permissions} instead,
 * which counts grants too.
 */
public final class Access {

    /** Cancel tasks. */
    public static final String OPERATE = "hasAnyRole('ADMIN','OPERATOR')";
    /** Read tasks: help desk staff only see guests. */
    public static final String READ_HOSTS = "hasAnyRole('ADMIN','OPERATOR','VIEWER')";
    /** Users and other people's sessions. */
    public static final String ADMIN = "hasRole('ADMIN')";
    /** One's own account: password and API tokens. */
    public static final String SIGNED_IN = "isAuthenticated()";
    /** Read the audit trail. */
    public static final String READ_AUDIT = "hasAnyRole('ADMIN','OPERATOR')";

    private Access() {
    }
}
