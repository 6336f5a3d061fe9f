package io.virtdeck.console;

import java.time.Instant;

/** OpenAPI: POST /api/v1/guests/{id}/console. {@code url} is the WebSocket path that takes the ticket, once. */
public record ConsoleTicket(String ticket, String url, Instant expiresAt) {
}
