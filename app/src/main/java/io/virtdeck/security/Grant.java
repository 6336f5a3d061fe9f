package io.virtdeck.security;

import java.time.Instant;
import io.virtdeck.core.Role;

/**
 * A role on an object for a user or a group (API: {@code GET /api/v1/grants}). {@code subjectType} is {@code user} or
 * {@code group}, {@code path} '/', '/hosts/{id}', '/guests/{id}'
 * or '/tags/{tag}' (every guest and host carrying the tag, now and later).
 */
public record Grant(long id, String subjectType, String subject, String path, Role role, String createdBy,
                    Instant createdAt) {

    /** {@code POST /api/v1/grants}: exactly one of {@code user} and {@code group}, a path and a role. */
    public record Request(String user, String group, String path, String role) {
    }
}
