package io.virtdeck.network;

import java.util.List;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.hypervisor.NetworkFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Access;
import io.virtdeck.web.HypervisorErrors;
import io.virtdeck.web.VirtdeckException;

/** A host's virtual networks (API.md: networks): listed, made (checked first, started at once) and deleted. */
@Service
public class NetworkService {

    private final HypervisorGateway gateway;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final AuditLog audit;

    NetworkService(HypervisorGateway gateway, HostRepository hosts, GuestRepository guests, AuditLog audit) {
        this.gateway = gateway;
        this.hosts = hosts;
        this.guests = guests;
        this.audit = audit;
    }

    @PreAuthorize(Access.READ_HOSTS)
    public List<NetworkFacts> networks(long hostId) {
        hosts.require(hostId);
        return gateway.networks(hostId);
    }

    /** API.md networks, each with the guests of the host that have a NIC on it. */
    @PreAuthorize(Access.READ_HOSTS)
    public List<NetworkView> networksWithUsers(long hostId) {
        List<Guest> onHost = guests.findAllOn(hostId);
        return networks(hostId).stream().map(n -> new NetworkView(n.name(), n.mode(), n.bridge(), n.active(),
                n.autostart(), n.ipv4(), n.ipv6(), users(onHost, n.name()))).toList();
    }

    /** API.md's network fields, plus the guests using it. */
    public record NetworkView(String name, String mode, String bridge, boolean active, boolean autostart,
                              NetworkFacts.IpRange ipv4, NetworkFacts.IpRange ipv6, List<String> usedBy) {
    }

    /** Starts or stops a network; stopping is refused while guests use it (they would lose their link). */
    @PreAuthorize(Access.OPERATE)
    public void setActive(long hostId, String name, boolean active) {
        Host host = hosts.require(hostId);
        existing(host, name);
        if (!active) {
            refuseInUse(hostId, name, "stopped");
        }
        AuditObject object = auditObject(host, name);
        try {
            gateway.setNetworkActive(hostId, name, active);
            audit.record(active ? "network.start" : "network.stop", object, Outcome.SUCCESS, null);
        } catch (HypervisorException e) {
            audit.record(active ? "network.start" : "network.stop", object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict(HypervisorErrors.message(e));
        }
    }

    @PreAuthorize(Access.OPERATE)
    public NetworkFacts create(long hostId, NetworkRequest request) {
        Host host = hosts.require(hostId);
        NetworkFacts network = NetworkChecks.toNetwork(request);
        if (networks(hostId).stream().anyMatch(n -> n.name().equals(network.name()))) {
            throw VirtdeckException.conflict("Host '" + host.name() + "' has a network '" + network.name()
                    + "' already.");
        }
        AuditObject object = auditObject(host, network.name());
        try {
            NetworkFacts made = gateway.createNetwork(hostId, network);
            audit.record("network.create", object, Outcome.SUCCESS, made.mode() + (made.bridge() == null ? ""
                    : " on bridge " + made.bridge()));
            return made;
        } catch (HypervisorException e) {
            audit.record("network.create", object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict("Network '" + network.name() + "' was not made (nothing was left"
                    + " behind): " + HypervisorErrors.message(e));
        }
    }

    /** Refused (409) while guests of the host have NICs on it: they would lose their network. */
    @PreAuthorize(Access.OPERATE)
    public void delete(long hostId, String name) {
        Host host = hosts.require(hostId);
        existing(host, name);
        refuseInUse(hostId, name, "deleted");
        AuditObject object = auditObject(host, name);
        try {
            gateway.deleteNetwork(hostId, name);
            audit.record("network.delete", object, Outcome.SUCCESS, null);
        } catch (HypervisorException e) {
            audit.record("network.delete", object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.conflict(HypervisorErrors.message(e));
        }
    }

    private void existing(Host host, String name) {
        if (gateway.networks(host.id()).stream().noneMatch(n -> n.name().equals(name))) {
            throw VirtdeckException.notFound("Host '" + host.name() + "' has no network '" + name + "'.");
        }
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
