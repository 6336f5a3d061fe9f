package io.virtdeck.console;

/**
 * What an accepted ticket allows: this user may see this guest's console of this kind, once; {@code force}: a serial
 * console is taken from whoever holds it.
 */
record ConsoleGrant(long guestId, String user, ConsoleKind kind, boolean force) {

    ConsoleGrant(long guestId, String user) {
        this(guestId, user, ConsoleKind.VNC, false);
    }
}
