package io.virtdeck.network;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DhcpLease;
import io.virtdeck.hypervisor.NetworkFacts;
import io.virtdeck.hypervisor.NetworkGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.web.Flag;

/**
 * A host's virtual networks (OpenAPI: networks): listed, made (checked first, started at once), started, stopped,
 * autostarted and deleted; their static DHCP entries and their DHCP leases.
 */
@Service
public class NetworkService {

    private final NetworkGateway gateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final ActionRunner actions;
    private final Permissions permissions;

    NetworkService(NetworkGateway gateway, HostRepository hosts, GuestRepository guests, ActionRunner actions,
                   Permissions permissions) {
        this.gateway = gateway;
        this.hosts = hosts;
        this.guests = guests;
        this.actions = actions;
        this.permissions = permissions;
    }

    public List<NetworkFacts> networks(long hostId) {
        permissions.requireHost(Action.READ_HOST, hostId);
        hosts.require(hostId);
        return gateway.networks(hostId);
    }

    /** OpenAPI networks, each with the guests of the host that have a NIC on it. */
    public List<NetworkView> networksWithUsers(long hostId) {
        permissions.requireHost(Action.READ_HOST, hostId);
        List<Guest> onHost = guests.findAllOn(hostId);
        return networks(hostId).stream().map(n -> new NetworkView(n.name(), n.mode(), n.bridge(), n.active(),
                n.autostart(), n.ipv4(), n.ipv6(), users(onHost, n.name()))).toList();
    }

    /** OpenAPI's network fields, plus the guests using it. */
    public record NetworkView(String name, String mode, String bridge, boolean active, boolean autostart,
                              NetworkFacts.IpRange ipv4, NetworkFacts.IpRange ipv6, List<String> usedBy) {
    }

    /** Starts or stops a network; stopping is refused while guests use it (they would lose their link). */
    public void setActive(long hostId, String name, Boolean activeField) {
        permissions.requireHost(Action.OPERATE, hostId);
        boolean active = Flag.required(activeField, "active", "true to start the network, false to stop it");
        Host host = hosts.require(hostId);
        onHost(active ? AuditAction.NETWORK_START : AuditAction.NETWORK_STOP, host, name).check(() -> {
            existing(host, name);
            if (!active) {
                refuseInUse(hostId, name, "stopped");
            }
        }).execute(() -> gateway.setNetworkActive(hostId, name, active));
    }

    public NetworkFacts create(long hostId, NetworkRequest request) {
        Host host = hosts.require(hostId);
        AtomicReference<NetworkFacts> wanted = new AtomicReference<>();
        return onHost(AuditAction.NETWORK_CREATE, host, request.name()).check(() -> {
            NetworkFacts network = NetworkChecks.toNetwork(request);
            List<NetworkFacts> existing = networks(hostId);
            if (existing.stream().anyMatch(n -> n.name().equals(network.name()))) {
                throw VirtdeckException.conflict("Host '" + host.name() + "' has a network '" + network.name()
                        + "' already.");
            }
            if (network.ipv4() != null) {
                // two bridges of the host routing one subnet: libvirt refuses to start the second on a real host
                existing.stream().filter(n -> n.ipv4() != null && NetworkChecks.overlap(n.ipv4(), network.ipv4()))
                        .findFirst().ifPresent(n -> {
                            throw VirtdeckException.conflict("ipv4.address", network.ipv4().address() + "/"
                                    + network.ipv4().prefix() + " overlaps network '" + n.name() + "' ("
                                    + n.ipv4().address() + "/" + n.ipv4().prefix() + ") on host '" + host.name()
                                    + "'.");
                        });
            }
            wanted.set(network);
        }).answering(e -> VirtdeckException.conflict("Network '" + request.name() + "' was not made (nothing was"
                + " left behind): " + HypervisorErrors.message(e))
        ).run(() -> {
            NetworkFacts made = gateway.createNetwork(hostId, wanted.get());
            return Done.of(made, made.mode() + (made.bridge() == null ? "" : " on bridge " + made.bridge()));
        });
    }

    /** Whether the network starts with libvirtd. */
    public void setAutostart(long hostId, String name, Boolean autostartField) {
        permissions.requireHost(Action.OPERATE, hostId);
        boolean autostart = Flag.required(autostartField, "autostart", "true or false");
        Host host = hosts.require(hostId);
        onHost(AuditAction.NETWORK_AUTOSTART, host, name).check(() -> existing(host, name)).run(() -> {
            gateway.setNetworkAutostart(hostId, name, autostart);
            return Done.noted(autostart ? "on" : "off");
        });
    }

    /**
     * Adds a static DHCP entry, live and in the definition: checked against the network's IPv4 range (400 naming the
     * field) and its other entries (409 naming the field that clashes). Returns the network as it is now.
     */
    public NetworkFacts addDhcpHost(long hostId, String name, NetworkFacts.DhcpHost request) {
        Host host = hosts.require(hostId);
        AtomicReference<NetworkFacts.DhcpHost> checked = new AtomicReference<>();
        onHost(AuditAction.NETWORK_DHCP_HOST_ADD, host, name).check(() -> {
            NetworkFacts.IpRange ipv4 = withIpv4(host, name);
            NetworkFacts.DhcpHost entry = NetworkChecks.dhcpHost("", request, ipv4);
            NetworkChecks.clash(entry, ipv4.hosts()).ifPresent(part -> {
                String value = switch (part) {
                    case "mac" -> "MAC address " + entry.mac();
                    case "ip" -> "address " + entry.ip();
                    default -> "name " + entry.name();
                };
                throw VirtdeckException.conflict(part, "Network '" + name + "' has a static DHCP entry for " + value
                        + " already.");
            });
            checked.set(entry);
        }).run(() -> {
            NetworkFacts.DhcpHost entry = checked.get();
            gateway.addDhcpHost(hostId, name, entry);
            return Done.noted(entry.mac() + " -> " + entry.ip());
        });
        return network(host, name);
    }

    /** Removes the static DHCP entry of {@code mac}; a lease it gave keeps running until it expires. */
    public void removeDhcpHost(long hostId, String name, String mac) {
        Host host = hosts.require(hostId);
        AtomicReference<NetworkFacts.DhcpHost> found = new AtomicReference<>();
        onHost(AuditAction.NETWORK_DHCP_HOST_REMOVE, host, name).check(() -> {
            String wanted = MacAddresses.check("mac", mac);
            found.set(withIpv4(host, name).hosts().stream()
                    .filter(h -> wanted.equalsIgnoreCase(h.mac())).findFirst()
                    .orElseThrow(() -> VirtdeckException.notFound("Network '" + name + "' has no static DHCP entry"
                            + " for " + wanted + ".")));
        }).run(() -> {
            NetworkFacts.DhcpHost entry = found.get();
            gateway.removeDhcpHost(hostId, name, entry);
            return Done.noted(entry.mac() + " -> " + entry.ip());
        });
    }

    /** The network's DHCP leases, each with the guest of the host whose NIC has its MAC address (null: none). */
    public List<LeaseView> leases(long hostId, String name) {
        permissions.requireHost(Action.READ_HOST, hostId);
        Host host = hosts.require(hostId);
        existing(host, name);
        try {
            return withGuests(hostId, gateway.dhcpLeases(hostId, name));
        } catch (HypervisorException e) {
            throw VirtdeckException.conflict("Host '" + host.name() + "' cannot list the leases of network '" + name
                    + "': " + HypervisorErrors.message(e));
        }
    }

    /** The leases of each active network of the host, by network; empty when the host keeps no lease records. */
    public Map<String, List<LeaseView>> leasesOfActiveNetworks(long hostId, List<NetworkView> networks) {
        permissions.requireHost(Action.READ_HOST, hostId);
        Map<String, List<LeaseView>> leases = new TreeMap<>();
        for (NetworkView network : networks) {
            if (!network.active() || network.ipv4() == null && network.ipv6() == null) {
                continue;
            }
            try {
                leases.put(network.name(), withGuests(hostId, gateway.dhcpLeases(hostId, network.name())));
            } catch (HypervisorException e) {
                if (e.kind() == HypervisorException.Kind.UNSUPPORTED) {
                    return Map.of(); // libvirt's test driver: no DHCP server behind its networks
                }
                throw e;
            }
        }
        return leases;
    }

    /** A lease and the guest (id and name) whose NIC has its MAC address, or nulls. */
    public record LeaseView(String mac, String ip, int prefix, String family, String hostname, Instant expiry,
                            Long guestId, String guest) {
    }

    private List<LeaseView> withGuests(long hostId, List<DhcpLease> leases) {
        Map<String, Guest> byMac = new HashMap<>();
        for (Guest guest : guests.findAllOn(hostId)) {
            guest.nics().stream().filter(n -> n.mac() != null)
                    .forEach(n -> byMac.put(n.mac().toLowerCase(Locale.ROOT), guest));
        }
        return leases.stream().map(lease -> {
            Guest guest = lease.mac() == null ? null : byMac.get(lease.mac().toLowerCase(Locale.ROOT));
            return new LeaseView(lease.mac(), lease.ip(), lease.prefix(), lease.family(), lease.hostname(),
                    lease.expiry(), guest == null ? null : guest.id(), guest == null ? null : guest.name());
        }).toList();
    }

    private NetworkFacts.IpRange withIpv4(Host host, String name) {
        NetworkFacts network = network(host, name);
        if (network.ipv4() == null) {
            throw VirtdeckException.conflict("Network '" + name + "' has no IPv4 address of libvirt's, so no DHCP"
                    + " server to hold static entries.");
        }
        return network.ipv4();
    }

    /** A change to one of the host's networks: permitted to those who may operate the host. */
    private ActionPlan onHost(AuditAction action, Host host, String network) {
        return actions.plan(action, auditObject(host, network))
                .permit(() -> permissions.requireHost(Action.OPERATE, host.id()));
    }

    /** Refused (409) while guests of the host have NICs on it: they would lose their network. */
    public void delete(long hostId, String name) {
        Host host = hosts.require(hostId);
        onHost(AuditAction.NETWORK_DELETE, host, name).check(() -> {
            existing(host, name);
            refuseInUse(hostId, name, "deleted");
        }).execute(() -> gateway.deleteNetwork(hostId, name));
    }

    private void existing(Host host, String name) {
        network(host, name);
    }

    private NetworkFacts network(Host host, String name) {
        return gateway.networks(host.id()).stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> VirtdeckException.notFound("Host '" + host.name() + "' has no network '" + name
                        + "'."));
    }

    private void refuseInUse(long hostId, String name, String what) {
        List<String> users = users(guests.findAllOn(hostId), name);
        if (!users.isEmpty()) {
            throw VirtdeckException.conflict("Network '" + name + "' is in use by " + String.join(", ", users)
                    + ": it is not " + what + " while they have NICs on it; move them to another network first.");
        }
    }

    private static List<String> users(List<Guest> guests, String network) {
        return guests.stream()
                .filter(g -> g.nics().stream().anyMatch(n -> "network".equals(n.type()) && network.equals(n.source())))
                .map(Guest::name).toList();
    }

    private static AuditObject auditObject(Host host, String network) {
        return new AuditObject("network", host.id() + "/" + network, network);
    }
}
