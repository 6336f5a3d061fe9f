package io.virtdeck.security;

/**
 * Who may do what, in one place: the {@code @PreAuthorize} expressions that services put on their methods. A service
 * method without one of these is not reachable by a person.
 */
public final class Access {

    /** Change the fleet: register hosts, power guests on and off, delete. */
    public static final String OPERATE = "hasAnyRole('ADMIN','OPERATOR')";
    /** Read guests: every role, help desk included. */
    public static final String READ_GUESTS = "hasAnyRole('ADMIN','OPERATOR','HELPDESK','VIEWER')";
    /** Read hosts and their capabilities: help desk staff only see guests. */
    public static final String READ_HOSTS = "hasAnyRole('ADMIN','OPERATOR','VIEWER')";
    /** Open a guest's console (and send it keys such as Ctrl-Alt-Del): help desk yes, viewers no. */
    public static final String CONSOLE = "hasAnyRole('ADMIN','OPERATOR','HELPDESK')";
    /** Users and other people's sessions. */
    public static final String ADMIN = "hasRole('ADMIN')";
    /** One's own account: password and API tokens. */
    public static final String SIGNED_IN = "isAuthenticated()";
    /** Read the audit trail. */
    public static final String READ_AUDIT = "hasAnyRole('ADMIN','OPERATOR')";

    private Access() {
    }
}
