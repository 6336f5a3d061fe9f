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
    /** Read the audit trail. */
    public static final String READ_AUDIT = "hasAnyRole('ADMIN','OPERATOR')";

    private Access() {
    }
}
