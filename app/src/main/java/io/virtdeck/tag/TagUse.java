package io.virtdeck.tag;

/** A tag in use (OpenAPI: GET /api/v1/tags): how many of the guests and hosts the user may see carry it. */
public record TagUse(String tag, long guests, long hosts) {
}
