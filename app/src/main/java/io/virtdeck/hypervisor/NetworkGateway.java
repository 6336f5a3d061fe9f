package io.virtdeck.hypervisor;

import java.util.List;
import io.virtdeck.core.HypervisorException;

/**
 * A host's virtual networks, their DHCP hosts and leases.
 */
public interface NetworkGateway {

    /** The host's virtual networks, active or not, by name. */
    List<NetworkFacts> networks(long hostId);

    /** Defines the network, starts it and sets it to start with libvirt; a network that cannot start is undefined. */
    NetworkFacts createNetwork(long hostId, NetworkFacts network);

    /** Starts ({@code active}) or stops the network; guests on a stopped network lose their link. */
    void setNetworkActive(long hostId, String name, boolean active);

    /** Whether the network starts when libvirtd does. */
    void setNetworkAutostart(long hostId, String name, boolean autostart);

    /** Stops (if it runs) and undefines the network. */
    void deleteNetwork(long hostId, String name);

    /**
     * Adds a static DHCP entry to the network's IPv4 DHCP (virNetworkUpdate): in its definition, and to the running
     * network's DHCP server when it is active. libvirt refuses an entry that clashes with one it has.
     */
    void addDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host);

    /** Removes a static DHCP entry (as the network's XML holds it) from the definition and the running network. */
    void removeDhcpHost(long hostId, String network, NetworkFacts.DhcpHost host);

    /**
     * The leases the network's DHCP server handed out. {@link HypervisorException.Kind#UNSUPPORTED} where the driver
     * keeps none (libvirt's test driver).
     */
    List<DhcpLease> dhcpLeases(long hostId, String network);
}
