package io.virtdeck.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Virtdeck instances on one database share the hosts (README: Several instances). A stopped instance's hosts are
 * taken by another within {@code leaseExpiry + leaseRenewal} (25 s by default); one that stops cleanly hands them
 * over at once.
 *
 * @param leaseRenewal how often an instance renews its host leases and takes free ones
 * @param leaseExpiry how long a lease lasts unless renewed; at least twice the renewal interval
 */
@ConfigurationProperties("virtdeck.instances")
public record LeaseProperties(
        @DefaultValue("5s") Duration leaseRenewal,
        @DefaultValue("20s") Duration leaseExpiry) {

    public LeaseProperties {
        if (leaseExpiry.compareTo(leaseRenewal.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("virtdeck.instances.lease-expiry (" + leaseExpiry
                    + ") must be at least twice virtdeck.instances.lease-renewal (" + leaseRenewal + ")");
        }
    }

    /** The longest a host can go unmonitored after its owner stopped without a word (crashed, cut off). */
    public Duration longestTakeover() {
        return leaseExpiry.plus(leaseRenewal);
    }

    /**
     * How long after sending a renewal this instance may go on monitoring on its strength: a renewal interval short
     * of the expiry, so that monitoring stops here well before another instance may take the host.
     */
    Duration trustedFor() {
        return leaseExpiry.minus(leaseRenewal);
    }
}
