package io.virtdeck.security;

import java.util.List;

/** A named set of users that grants can name (API: {@code GET /api/v1/groups}). */
public record UserGroup(long id, String name, List<String> members) {
}
