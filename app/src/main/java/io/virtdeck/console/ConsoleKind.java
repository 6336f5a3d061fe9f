package io.virtdeck.console;

/** Which console a ticket opens and a session is: the guest's VNC display or its serial console. */
public enum ConsoleKind {
    VNC, SERIAL;

    /** As stored (console_tickets.kind, console_sessions.kind) and shown in the API. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static ConsoleKind of(String code) {
        return code == null ? VNC : valueOf(code.toUpperCase(java.util.Locale.ROOT));
    }
}
