package io.virtdeck.inventory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import io.virtdeck.VirtdeckProperties;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.InventoryChanged;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.HostCredentials;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/** Registering, reading and removing hosts, for people (pages and REST). */
@Service
public class HostService {

    private final HostRepository hosts;
    private final HostRegistry registry;
    private final ConnectionGateway gateway;
    private final ActionRunner actions;
    private final ApplicationEventPublisher events;
    private final HostCredentialStore credentials;

    private final Permissions permissions;
    private final int hostFilterChoices;

    public HostService(HostRepository hosts, HostRegistry registry, ConnectionGateway gateway, ActionRunner actions,
                       ApplicationEventPublisher events, Permissions permissions, HostCredentialStore credentials,
                       VirtdeckProperties properties) {
        this.permissions = permissions;
        this.hostFilterChoices = properties.hostFilterChoices();
        this.credentials = credentials;
        this.hosts = hosts;
        this.registry = registry;
        this.gateway = gateway;
        this.actions = actions;
        this.events = events;
    }

    /** The hosts the user may read; 403 for those who may read none (help desk). */
    public List<Host> list() {
        return list(List.of());
    }

    /** {@link #list()}, of the hosts carrying every one of the tags (400 naming {@code tag} for a malformed one). */
    public List<Host> list(List<String> tags) {
        List<String> checked = tags == null ? List.of() : Tags.requireAll(tags, "tag");
        return hosts.findAll(permissions.visibleOrDeny(Action.READ_HOST), checked);
    }

    /**
     * The guest list's host filter: the hosts the user may read to choose from (none for help desk), or, past
     * {@code virtdeck.host-filter-choices} of them, a field for a host's name: a list of a thousand names helps no one
     * and cost the page more than its guests.
     */
    public HostFilter hostFilter(Long selectedHost) {
        Visible visible = permissions.visible(Action.READ_HOST);
        List<HostRepository.HostName> choices = hosts.names(visible, hostFilterChoices + 1);
        String selectedName = selectedHost == null ? null
                : hosts.nameOf(visible, selectedHost).map(HostRepository.HostName::name).orElse(null);
        return choices.size() > hostFilterChoices ? new HostFilter(List.of(), true, selectedName)
                : new HostFilter(choices, false, selectedName);
    }

    /** The id of the host of this name the user may see; empty for none. */
    public Optional<Long> visibleHostNamed(String name) {
        return hosts.nameNamed(permissions.visible(Action.READ_HOST), name).map(HostRepository.HostName::id);
    }

    /** What the host filter offers: the hosts to choose from, or ({@code byName}) a field for a host's name. */
    public record HostFilter(List<HostRepository.HostName> choices, boolean byName, String selectedName) {
    }

    /** The visible hosts' load and guest counts by state, by host id (the hosts list's bars and counts). */
    public Map<Long, HostGlance> glances() {
        return hosts.glances(permissions.visibleOrDeny(Action.READ_HOST));
    }

    public Host get(long id) {
        permissions.requireHost(Action.READ_HOST, id);
        return hosts.require(id);
    }

    /** For the host's pages (its own, storage, networks): whether to show the buttons that change it. */
    public boolean mayOperate(long id) {
        return permissions.allows(Action.OPERATE, ObjectRef.host(id));
    }

    /** For the host list: whether to show the form that registers a host. */
    public boolean mayRegister() {
        return permissions.allows(Action.OPERATE, ObjectRef.root());
    }

    /**
     * Registers a host after checking its name and URI and connecting to it once: a host that cannot be reached is
     * refused, and nothing is stored.
     */
    public Host register(String name, String uri) {
        return register(name, uri, null);
    }

    /**
     * Registers a host with the credentials to present to it (only an admin may give them: they choose files of the
     * Virtdeck server or hold keys), checked by connecting with them before anything is stored.
     */
    public Host register(String name, String uri, HostCredentialsRequest given) {
        boolean withCredentials = given != null && !given.isEmpty();
        AtomicReference<HostCredentials> checked = new AtomicReference<>();
        return actions.plan(AuditAction.HOST_REGISTER, new AuditObject("host", null, name))
                .permit(() -> permissions.require(withCredentials ? Action.ADMINISTER : Action.OPERATE,
                        ObjectRef.root()))
                .check(() -> {
                    HostNames.checkName(name);
                    HostNames.checkUri(uri);
                    HostNames.checkParameters(uri);
                    checked.set(HostCredentialChecks.check(uri, given));
                    if (hosts.existsByName(name)) {
                        throw VirtdeckException.conflict("A host named '" + name + "' is already registered.");
                    }
                    if (hosts.existsByUri(uri)) {
                        throw VirtdeckException.conflict("The URI " + uri + " is already registered.");
                    }
                    gateway.probe(uri, checked.get()); // a host that cannot be reached is refused
                })
                .answering(e -> VirtdeckException.invalid("uri", "Could not connect to " + uri + ": "
                        + e.getMessage()))
                .run(() -> {
                    long id = registry.add(name, uri, hostId -> credentials.save(hostId, checked.get(),
                            CurrentUser.name()));
                    Host host = hosts.findById(id).orElseThrow();
                    return Done.of(host, host.credentials() == null ? uri
                            : uri + " with " + host.credentials().describe()).about(AuditObject.host(id, name));
                });
    }

    /**
     * Replaces a host's credentials (admins only) once a connection with the new ones has worked; every instance's
     * connections to the host re-open with them.
     */
    public Host replaceCredentials(long id, HostCredentialsRequest given) {
        Host host = hosts.require(id);
        AtomicReference<HostCredentials> checked = new AtomicReference<>();
        return actions.plan(AuditAction.HOST_CREDENTIALS_REPLACE, AuditObject.host(id, host.name()))
                .permit(() -> requireCredentialsAdmin(id))
                .check(() -> {
                    if (given == null || given.isEmpty()) {
                        throw VirtdeckException.invalid("credentials.type", "credentials.type is required:"
                                + " 'ssh-key' or 'tls'.");
                    }
                    checked.set(HostCredentialChecks.check(host.uri(), given));
                    gateway.probe(host.uri(), checked.get());
                })
                .answering(e -> VirtdeckException.invalid("credentials", "Could not connect to " + host.uri()
                        + " with these credentials (nothing was changed): " + e.getMessage()))
                .refreshing(() -> events.publishEvent(new InventoryChanged.HostChanged(id, false)))
                .run(() -> {
                    credentials.save(id, checked.get(), CurrentUser.name());
                    gateway.reconnect(id);
                    credentials.announceChange(id);
                    Host updated = hosts.require(id);
                    return Done.of(updated, updated.credentials().describe());
                });
    }

    /** Forgets a host's credentials (admins only); every instance's connections to it re-open without them. */
    public Host removeCredentials(long id) {
        Host host = hosts.require(id);
        actions.plan(AuditAction.HOST_CREDENTIALS_REMOVE, AuditObject.host(id, host.name()))
                .permit(() -> requireCredentialsAdmin(id))
                .check(() -> {
                    if (host.credentials() == null) {
                        throw VirtdeckException.notFound("Host " + host.name() + " has no credentials.");
                    }
                })
                .refreshing(() -> events.publishEvent(new InventoryChanged.HostChanged(id, false)))
                .run(() -> {
                    credentials.remove(id);
                    gateway.reconnect(id);
                    credentials.announceChange(id);
                    return Done.noted(host.credentials().describe());
                });
        return hosts.require(id);
    }

    /** Stops managing a host and forgets its guests; nothing on the host itself is touched. */
    public void remove(long id) {
        Host host = hosts.require(id);
        actions.plan(AuditAction.HOST_REMOVE, AuditObject.host(id, host.name()))
                .permit(() -> permissions.requireHost(Action.OPERATE, id))
                .refreshing(() -> events.publishEvent(new InventoryChanged.HostChanged(id, true)))
                .run(() -> {
                    gateway.release(id);
                    hosts.delete(id);
                    return Done.noted(host.uri());
                });
    }

    /**
     * A host unseen is missing (404) as everywhere; its credentials are then an admin's on `/`: paths name files on
     * the Virtdeck server, which is more than a role on one host should reach.
     */
    private void requireCredentialsAdmin(long hostId) {
        permissions.requireHost(Action.READ_HOST, hostId);
        permissions.require(Action.ADMINISTER, ObjectRef.root());
    }
}
