package io.virtdeck.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console's settings.
 *
 * @param ticketValidity how long a console ticket may wait before it is used (once)
 * @param vncPasswordValidity how long a session's one-time VNC password opens the guest's display; only the proxy's
 *                            own login needs it, so it can be short
 * @param sshCommand the SSH client used to reach displays listening on a qemu+ssh host's loopback
 */
@ConfigurationProperties("virtdeck.console")
public record ConsoleProperties(
        @DefaultValue("60s") Duration ticketValidity,
        @DefaultValue("30s") Duration vncPasswordValidity,
        @DefaultValue("ssh") String sshCommand) {
}
