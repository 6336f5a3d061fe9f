package io.virtdeck.tag;

import java.util.List;

/**
 * An object's tags (OpenAPI: the body of PUT and POST /api/v1/guests/{id}/tags and /api/v1/hosts/{id}/tags, and
 * their answer): replaced by PUT, added to by POST; the answer is the object's tags after the change, sorted.
 */
public record TagList(List<String> tags) {
}
