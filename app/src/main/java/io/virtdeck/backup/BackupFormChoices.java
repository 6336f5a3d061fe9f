package io.virtdeck.backup;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Service;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * What the Backups page's forms offer and how its tables name things: the hosts the user may operate, a host's pools
 * that can hold a store, a guest found by its name on a store's host.
 */
@Service
class BackupFormChoices {

    private static final Set<String> FILE_POOLS = Set.of("dir", "netfs", "fs");
    private static final int HOST_CHOICES = 500;

    private final GuestRepository guests;
    private final HostRepository hosts;
    private final StorageGateway storage;
    private final Permissions permissions;

    BackupFormChoices(GuestRepository guests, HostRepository hosts, StorageGateway storage, Permissions permissions) {
        this.guests = guests;
        this.hosts = hosts;
        this.storage = storage;
        this.permissions = permissions;
    }

    /** The hosts the user may operate, by name; 403 when there are none (the forms are not theirs). */
    List<HostRepository.HostName> operableHosts() {
        return hosts.names(permissions.visibleOrDeny(Action.OPERATE), HOST_CHOICES);
    }

    /** The running pools of the host that hold files; empty for a host the user may not operate. */
    List<PoolFacts> storePools(long hostId) throws HypervisorException {
        if (!permissions.allows(Action.OPERATE, ObjectRef.host(hostId))) {
            return List.of();
        }
        return storage.pools(hostId).stream().filter(p -> FILE_POOLS.contains(p.type()) && p.active()).toList();
    }

    /**
     * The guest of this name: on the store's host if it has one, else the only one of that name on the hosts the user
     * may operate; empty when there is none or several (the job's checks then say what is wrong).
     */
    Optional<Long> guestNamed(Long storeHostId, String name) {
        Optional<Long> onStoreHost = storeHostId == null ? Optional.empty()
                : guests.findByHostAndName(storeHostId, name).map(Guest::id);
        if (onStoreHost.isPresent()) {
            return onStoreHost;
        }
        List<Long> found = operableHosts().stream().flatMap(h -> guests.findByHostAndName(h.id(), name).stream())
                .map(Guest::id).toList();
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    String guestName(long id) {
        return guests.findById(id).map(Guest::name).orElse("guest " + id);
    }

    String hostName(long id) {
        return hosts.findById(id).map(Host::name).orElse("host " + id);
    }
}
