package io.virtdeck.hypervisor;

import java.util.Optional;
import io.virtdeck.core.HypervisorException;

/**
 * What the gateway needs to know of a host that another Virtdeck instance monitors: where it is, and whether that
 * instance reports it connected. Provided by the inventory.
 */
public interface HostDirectory {

    /** The host's URI and reported state; empty when Virtdeck does not know the host. */
    Optional<KnownHost> find(long hostId);

    /**
     * The credentials to present to the host, decrypted; {@link HostCredentials#NONE} when it has none. Throws a
     * {@link HypervisorException} (UNREACHABLE, saying why) when stored credentials cannot be decrypted.
     */
    HostCredentials credentials(long hostId);

    record KnownHost(String name, String uri, boolean reportedConnected) {
    }
}
