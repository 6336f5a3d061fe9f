package io.virtdeck.security;

import java.util.Locale;
import java.util.Set;

import io.virtdeck.core.VirtdeckException;

/**
 * What a password chosen by a person must be: at least 12 characters, not the user name, not one character repeated,
 * and not one of the passwords every guessing list starts with.
 */
public final class PasswordPolicy {

    public static final int MINIMUM_LENGTH = 12;

    /** Passwords of 12 characters or more that lists of leaked passwords rank highest. */
    private static final Set<String> COMMON = Set.of("123456789012", "1234567890123", "12345678901234",
            "password1234", "password12345", "password123!", "passwordpassword", "qwertyuiopas", "qwerty123456",
            "qwertyuiop12", "1q2w3e4r5t6y", "abcdefghijkl", "abcd12345678", "iloveyou1234", "letmein12345",
            "welcome12345", "welcome123456", "changeme1234", "administrator", "administrator1", "admin1234567",
            "adminadmin123", "trustno11234", "monkey123456", "football1234", "baseball1234", "sunshine1234",
            "princess1234", "superman1234", "starwars1234", "correcthorsebatterystaple", "virtdeck1234",
            "virtdeckvirtdeck", "p@ssw0rd1234", "passw0rd1234");

    private PasswordPolicy() {
    }

    /** Refuses a password that breaks the policy with a 400 naming {@code field}. */
    public static void check(String field, String username, String password) {
        if (password == null || password.length() < MINIMUM_LENGTH) {
            throw VirtdeckException.invalid(field, field + " must be at least " + MINIMUM_LENGTH + " characters long.");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        String name = username == null ? "" : username.toLowerCase(Locale.ROOT);
        // a short name would forbid too much as a part: only as the whole password then
        if (!name.isEmpty() && (lower.equals(name) || name.length() >= 4 && lower.contains(name))) {
            throw VirtdeckException.invalid(field, field + " must not contain the user name.");
        }
        if (password.chars().distinct().count() == 1 || COMMON.contains(lower)) {
            throw VirtdeckException.invalid(field, field + " is too common to be safe: choose another.");
        }
    }
}
