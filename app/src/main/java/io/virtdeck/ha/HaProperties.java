package io.virtdeck.ha;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * High availability (README: High availability).
 *
 * @param grace how long a host must fail to answer before it is declared lost and its HA guests are started elsewhere:
 *              long enough that a restart of its libvirtd or a short network cut does not count
 * @param retry how often a restart that cannot happen yet (its disks are still held, no host has room) is tried again,
 *              and how often a host that does not answer is checked
 * @param heartbeatPool the name of a storage pool every host shares, where each host's scripts/virtdeck-heartbeat.sh
 *              rewrites {@code virtdeck-heartbeat-<host name>}: a silent host is then declared lost only once that file
 *              has not been written for the grace as well ({@link Heartbeats}); unset, the connection alone decides
 */
@ConfigurationProperties("virtdeck.ha")
public record HaProperties(@DefaultValue("30s") Duration grace, @DefaultValue("5s") Duration retry,
                           String heartbeatPool) {

    public HaProperties {
        heartbeatPool = heartbeatPool == null || heartbeatPool.isBlank() ? null : heartbeatPool.trim();
    }
}
