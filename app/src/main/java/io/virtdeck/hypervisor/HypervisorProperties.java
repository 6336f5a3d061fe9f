package io.virtdeck.hypervisor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Virtdeck talks to hosts.
 *
 * @param callTimeout the longest any single libvirt call may take before the host counts as unreachable
 * @param keepaliveInterval seconds between libvirt keepalive probes on remote connections
 * @param keepaliveCount unanswered probes before libvirt closes the connection
 * @param reconnectInitialDelay first retry after a connection is lost; doubles each failure
 * @param reconnectMaxDelay the longest wait between retries
 * @param callThreads libvirt calls one host may have running at once (on call threads shared by all hosts)
 */
@ConfigurationProperties("virtdeck.libvirt")
public record HypervisorProperties(
        @DefaultValue("10s") Duration callTimeout,
        @DefaultValue("5") int keepaliveInterval,
        @DefaultValue("3") int keepaliveCount,
        @DefaultValue("1s") Duration reconnectInitialDelay,
        @DefaultValue("60s") Duration reconnectMaxDelay,
        @DefaultValue("4") int callThreads) {
}
