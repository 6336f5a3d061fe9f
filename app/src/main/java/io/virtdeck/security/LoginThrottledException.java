package io.virtdeck.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/** A login refused unchecked: its user name or its address is locked after too many failures. */
public class LoginThrottledException extends AuthenticationException {

    private final Duration remaining;

    LoginThrottledException(Duration remaining) {
        super("too many failed logins");
        this.remaining = remaining;
    }

    /** Whole minutes left, rounded up: "try again in 1 minute" rather than "in 0". */
    public long minutesLeft() {
        return Math.max(1, (remaining.toSeconds() + 59) / 60);
    }

    /** The same words on the login page and in the API, never saying whether the user exists. */
    public String advice() {
        long minutes = minutesLeft();
        return "Too many failed attempts: try again in " + minutes + (minutes == 1 ? " minute." : " minutes.");
    }
}
