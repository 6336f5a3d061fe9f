package io.virtdeck.security;

import java.time.Instant;
import io.virtdeck.core.Role;

/** A person who can log in. The password is only ever held as a hash. */
public record UserAccount(long id, String username, String passwordHash, Role role, boolean enabled,
                          Instant createdAt) {

    /** What pages and the API show of a user: never the hash. */
    public View view() {
        return new View(id, username, role, enabled, createdAt);
    }

    public record View(long id, String username, Role role, boolean enabled, Instant createdAt) {
    }
}
