package io.virtdeck.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * The seam between Virtdeck and libvirt: everything the rest of the application does to hosts goes through here.
 * Every call is bounded by the configured timeout; a host that cannot be reached answers
 * {@link HypervisorException.Kind#UNREACHABLE} at once instead of hanging the caller.
 */
public interface HypervisorGateway {

    /** Opens a short-lived connection to check that a URI works before it is registered, and reads the host's facts. */
    HostFacts probe(String uri);

    /** Starts managing a host: one shared connection, kept open, re-opened with backoff when lost. */
    void manage(long hostId, String uri);

    /** Stops managing a host and closes its connection. Nothing on the host is touched. */
    void release(long hostId);

    ConnectionState state(long hostId);

    HostFacts hostFacts(long hostId);

    List<DomainFacts> listDomains(long hostId);

    DomainFacts domain(long hostId, UUID uuid);

    /** The domain's live XML, for read-only display. */
    String domainXml(long hostId, UUID uuid);

    void perform(long hostId, UUID uuid, DomainAction action);

    /**
     * Removes a shut-off domain's definition; with {@code deleteStorage}, also deletes the storage volumes behind its
     * disks (CD-ROMs excepted). Returns the paths of the volumes deleted.
     */
    List<String> undefine(long hostId, UUID uuid, boolean deleteStorage);
}
