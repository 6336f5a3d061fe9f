package io.virtdeck.console;

/** What an accepted ticket allows: this user may see this guest's console, once. */
record ConsoleGrant(long guestId, String user) {
}
