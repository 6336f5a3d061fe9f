package io.virtdeck.inventory;

import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.security.Access;
import io.virtdeck.web.VirtdeckException;

/** Registering, reading and removing hosts, for people (pages and REST). */
@Service
public class HostService {

    private final HostRepository hosts;
    private final HostRegistry registry;
    private final HypervisorGateway gateway;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;

    public HostService(HostRepository hosts, HostRegistry registry, HypervisorGateway gateway, AuditLog audit,
                       ApplicationEventPublisher events) {
        this.hosts = hosts;
        this.registry = registry;
        this.gateway = gateway;
        this.audit = audit;
        this.events = events;
    }

    @PreAuthorize(Access.READ_HOSTS)
    public List<Host> list() {
        return hosts.findAll();
    }

    @PreAuthorize(Access.READ_HOSTS)
    public Host get(long id) {
        return hosts.require(id);
    }

    /**
     * Registers a host after checking its name and URI and connecting to it once: a host that cannot be reached is
     * refused, and nothing is stored.
     */
    @PreAuthorize(Access.OPERATE)
    public Host register(String name, String uri) {
        HostNames.checkName(name);
        HostNames.checkUri(uri);
        AuditObject object = new AuditObject("host", null, name);
        if (hosts.existsByName(name)) {
            throw VirtdeckException.conflict("A host named '" + name + "' is already registered.");
        }
        if (hosts.existsByUri(uri)) {
            throw VirtdeckException.conflict("The URI " + uri + " is already registered.");
        }
        try {
            gateway.probe(uri);
        } catch (HypervisorException e) {
            audit.record("host.register", object, Outcome.FAILURE, e.getMessage());
            throw VirtdeckException.invalid("uri", "Could not connect to " + uri + ": " + e.getMessage());
        }
        long id = registry.add(name, uri);
        audit.record("host.register", AuditObject.host(id, name), Outcome.SUCCESS, uri);
        return hosts.findById(id).orElseThrow();
    }

    /** Stops managing a host and forgets its guests; nothing on the host itself is touched. */
    @PreAuthorize(Access.OPERATE)
    public void remove(long id) {
        Host host = hosts.require(id);
        gateway.release(id);
        hosts.delete(id);
        audit.record("host.remove", AuditObject.host(id, host.name()), Outcome.SUCCESS, host.uri());
        events.publishEvent(new InventoryChanged.HostChanged(id, true));
    }
}
