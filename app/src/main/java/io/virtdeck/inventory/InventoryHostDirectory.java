package io.virtdeck.inventory;

import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.dao.DataAccessException;
import io.virtdeck.core.HypervisorException;
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

    /** A database that does not answer makes this attempt fail like an unreachable host: the next one retries. */
    @Override
    public HostCredentials credentials(long hostId) {
        try {
            return credentials.credentials(hostId);
        } catch (DataAccessException e) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE,
                    "cannot read the host's credentials from the database: " + e.getMostSpecificCause().getMessage());
        }
    }

    @Override
    public Optional<KnownHost> find(long hostId) {
        return hosts.findKnown(hostId);
    }
}
