package io.virtdeck.security;

import java.time.Instant;
import io.virtdeck.core.Role;

/** An API token as its owner sees it: never the secret, which exists only in the answer that made it. */
public record ApiToken(long id, String name, Role role, Instant createdAt, Instant expiresAt, Instant revokedAt,
                       Instant lastUsedAt, String lastUsedFrom) {

    public State state(Instant now) {
        if (revokedAt != null) {
            return State.REVOKED;
        }
        return expiresAt.isAfter(now) ? State.ACTIVE : State.EXPIRED;
    }

    public enum State {
        ACTIVE, EXPIRED, REVOKED
    }

    /** The answer to a create: the one time the secret is shown. */
    public record Created(long id, String name, Role role, Instant expiresAt, String token) {
    }
}
