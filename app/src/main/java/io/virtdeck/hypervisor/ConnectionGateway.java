package io.virtdeck.hypervisor;

import java.util.Set;
import io.virtdeck.core.HypervisorException;

/**
 * The connections this instance keeps to hosts: one monitoring connection (with lifecycle events) per host whose
 * lease it holds, short-lived calls-only connections to hosts another instance monitors. Every call of the other
 * gateways is bounded by the configured timeout; a host that cannot be reached answers
 * {@link HypervisorException.Kind#UNREACHABLE} at once instead of hanging the caller.
 */
public interface ConnectionGateway {

    /**
     * Opens a short-lived connection to check that a URI works before it is registered, presenting credentials that
     * are not stored yet ({@link HostCredentials#NONE} for none), and reads the host's facts.
     */
    HostFacts probe(String uri, HostCredentials credentials);

    /**
     * Re-opens this instance's connections to a host with its current credentials (just replaced or removed): the
     * monitored one at once, a calls-only one at the next call.
     */
    void reconnect(long hostId);

    /**
     * Starts monitoring a host: one shared connection with lifecycle events, kept open, re-opened with backoff when
     * lost. Called for the hosts whose lease this instance holds.
     */
    void manage(long hostId, String uri);

    /** Stops monitoring a host and closes its connection. Nothing on the host is touched. */
    void release(long hostId);

    /**
     * Stops monitoring a host another instance is to monitor: no more events or connection changes from it, at once.
     * Calls underway on its connection (a migration) go on; it is closed once they are done.
     */
    void stopMonitoring(long hostId);

    /**
     * The state of this instance's connection to a host it monitors; for a host another instance monitors, the state
     * that instance reports (actions reach such a host through a short-lived connection of their own).
     */
    ConnectionState state(long hostId);

    /** True when this instance monitors the host (events, reconcile, sampling) and is connected to it. */
    boolean monitoring(long hostId);

    /** The hosts this instance monitors. */
    Set<Long> monitoredHosts();
}
