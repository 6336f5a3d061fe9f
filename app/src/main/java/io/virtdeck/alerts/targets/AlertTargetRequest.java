package io.virtdeck.alerts.targets;

import java.util.List;

/**
 * A target as an administrator gives it (OpenAPI: alert targets). {@code kind} MAIL takes {@code host}, {@code port},
 * {@code security} (STARTTLS, TLS, NONE), optional {@code username} and {@code password}, {@code from}, {@code to} (one
 * or more addresses) and optional {@code caCertificate} (PEM); WEBHOOK takes {@code url} (http or https) and
 * {@code key}, the signing key. On a change, a blank {@code password} or {@code key} keeps the stored one.
 */
public record AlertTargetRequest(String name, String kind, String host, Integer port, String security,
                                 String username, String password, String from, List<String> to,
                                 String caCertificate, String url, String key) {
}
