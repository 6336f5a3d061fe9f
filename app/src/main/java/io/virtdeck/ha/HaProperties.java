package io.virtdeck.ha;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * High availability (README: High availability).
 *
 * @param grace how long a host must fail to answer before it is declared lost and its HA guests are started elsewhere:
 *              long enough that a restart of its libvirtd or a short network cut does not count
 * @param retry how often a restart that cannot happen yet (its disks are still held, no host has room) is tried again
 */
@ConfigurationProperties("virtdeck.ha")
public record HaProperties(@DefaultValue("30s") Duration grace, @DefaultValue("5s") Duration retry) {
}
