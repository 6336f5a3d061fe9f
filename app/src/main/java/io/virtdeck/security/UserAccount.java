package io.virtdeck.security;

/** A person who can log in. The password is only ever held as a hash. */
public record UserAccount(long id, String username, String passwordHash, Role role, boolean enabled) {
}
