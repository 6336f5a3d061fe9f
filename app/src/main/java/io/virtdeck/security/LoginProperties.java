package io.virtdeck.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Login throttling (README: Configuration).
 *
 * @param maxFailures failed logins within {@code window}, per user name and per client address, that start a lockout
 * @param window how far back failures are counted
 * @param lockout how long a locked user name or address is refused without its password even being checked
 */
@ConfigurationProperties("virtdeck.login")
public record LoginProperties(
        @DefaultValue("5") int maxFailures,
        @DefaultValue("15m") Duration window,
        @DefaultValue("15m") Duration lockout) {
}
