package io.virtdeck.inventory;

import java.time.Instant;
import java.util.List;

import io.virtdeck.core.VirtdeckException;

/**
 * A managed host (OpenAPI: GET /api/v1/hosts). Facts are those read at the last connection; null until then.
 *
 * @param stateReason why the host is unreachable, as libvirt said it
 * @param maintenance taken out of service: no new guests go there (state turns MAINTENANCE once it is empty)
 * @param credentials what Virtdeck presents to the host besides its URI (never the material); null when nothing
 * @param tags Virtdeck's own free-form tags (io.virtdeck.core.Tags), sorted; libvirt does not hold them
 */
public record Host(
        long id,
        String name,
        String uri,
        HostState state,
        String stateReason,
        Instant stateChangedAt,
        Integer cpus,
        Long memoryMiB,
        long guestCount,
        boolean maintenance,
        Capabilities capabilities,
        HostCredentialsInfo credentials,
        List<String> tags) {

    /** A host not tagged. */
    public Host(long id, String name, String uri, HostState state, String stateReason, Instant stateChangedAt,
                Integer cpus, Long memoryMiB, long guestCount, boolean maintenance, Capabilities capabilities,
                HostCredentialsInfo credentials) {
        this(id, name, uri, state, stateReason, stateChangedAt, cpus, memoryMiB, guestCount, maintenance,
                capabilities, credentials, List.of());
    }

    /** This host, when it takes new guests; 409 while it is in maintenance. */
    public Host takingNewGuests() {
        if (maintenance) {
            throw VirtdeckException.conflict("Host '" + name + "' is in maintenance: it takes no new guests."
                    + " Choose another host, or leave maintenance.");
        }
        return this;
    }

    /** What the host can do (OpenAPI: GET /api/v1/hosts/{id}, "capabilities"). */
    public record Capabilities(
            String hypervisorType,
            String hostname,
            String cpuModel,
            String cpuArch,
            Integer cpuSockets,
            Integer cpuCores,
            Integer cpuThreads,
            Integer numaCells,
            Boolean hardwareVirtualization,
            List<String> guestDomainTypes,
            List<String> cpuFeatures) {
    }
}
