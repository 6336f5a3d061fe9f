package io.virtdeck.inventory;

import java.util.Optional;

import org.springframework.stereotype.Service;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.Page;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GuestAgentFacts;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/** Reading guests, for every role. */
@Service
public class GuestQuery {


    private final GuestRepository guests;
    private final ConnectionGateway connectionGateway;
    private final DomainGateway domainGateway;
    private final SnapshotGateway snapshotGateway;
    private final GuestAgents agents;
    private final GuestAgentAnswers agentAnswers;

    private final Permissions permissions;

    public GuestQuery(GuestRepository guests, ConnectionGateway connectionGateway, DomainGateway domainGateway,
                      SnapshotGateway snapshotGateway, GuestAgents agents, GuestAgentAnswers agentAnswers,
                      Permissions permissions) {
        this.permissions = permissions;
        this.agents = agents;
        this.agentAnswers = agentAnswers;
        this.guests = guests;
        this.connectionGateway = connectionGateway;
        this.domainGateway = domainGateway;
        this.snapshotGateway = snapshotGateway;
    }

    /** The guests the user may see (the search box's too): their grants filter the list in its SQL. */
    public Page<Guest.Summary> find(GuestFilter filter, GuestSort sort, int page, int size) {
        return find(filter, sort, null, page, size).page();
    }

    /** {@link #find} from a keyset cursor ({@code after}, from a previous page's {@code next}) when one is given. */
    public GuestPage find(GuestFilter filter, GuestSort sort, String after, int page, int size) {
        GuestCursor cursor = after == null ? null : GuestCursor.parse(after, sort);
        return guests.find(filter, sort, cursor, page, size, permissions.visibleOrDeny(Action.READ_GUEST));
    }

    public Guest get(long id) {
        permissions.requireGuest(Action.READ_GUEST, id);
        return guests.require(id);
    }

    /** The guest as a row of the list. */
    public Guest.Summary summary(long id) {
        return get(id).summary(agentAnswers.firstAddress(id));
    }

    /**
     * The guest with its snapshot count, resource limits, CPU and guest agent's answer from libvirt: null while it migrates
     * (its host is busy with it, and reading the guest must not wait for that) or when its host does not answer.
     */
    public GuestDetail detail(long id) {
        permissions.requireGuest(Action.READ_GUEST, id);
        Guest guest = guests.require(id);
        if (!askable(guest)) {
            return new GuestDetail(guest, null, null, null, null);
        }
        try {
            return new GuestDetail(guest, snapshotGateway.snapshots(guest.hostId(), guest.uuid()).size(),
                    domainGateway.limits(guest.hostId(), guest.uuid()), agents.read(guest),
                    domainGateway.cpu(guest.hostId(), guest.uuid()).cpu());
        } catch (HypervisorException e) {
            return new GuestDetail(guest, null, null, null, null);
        }
    }

    /**
     * What the guest's qemu-guest-agent says now (a few seconds at most when it is silent), with the time of its last
     * answer; an answer's addresses are kept for the list and its search. Empty when its host cannot be asked.
     */
    public Optional<GuestAgentFacts> agent(long id) {
        permissions.requireGuest(Action.READ_GUEST, id);
        Guest guest = guests.require(id);
        if (!askable(guest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(agents.read(guest));
        } catch (HypervisorException e) {
            return Optional.empty();
        }
    }

    private boolean askable(Guest guest) {
        return guest.state() != DomainRunState.MIGRATING
                && connectionGateway.state(guest.hostId()) == ConnectionState.CONNECTED;
    }


}
