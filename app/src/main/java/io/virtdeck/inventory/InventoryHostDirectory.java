package io.virtdeck.inventory;

import java.util.Optional;

import org.springframework.stereotype.Component;
import io.virtdeck.hypervisor.HostCredentials;
import io.virtdeck.hypervisor.HostDirectory;

/** The gateway's view of hosts it does not monitor itself: their rows, kept by the instance that does. */
@Component
class InventoryHostDirectory implements HostDirectory {

    private final HostRepository hosts;
    private final HostCredentialStore credentials;

    InventoryHostDirectory(HostRepository hosts, HostCredentialStore credentials) {
        this.hosts = hosts;
        this.credentials = credentials;
    }

    @Override
    public HostCredentials credentials(long hostId) {
        return credentials.credentials(hostId);
    }

    @Override
    public Optional<KnownHost> find(long hostId) {
        return hosts.findKnown(hostId);
    }
}
