package io.virtdeck.hypervisor;

import java.util.UUID;

/** Published for each libvirt lifecycle event of a domain on a managed host, off libvirt's event-loop thread. */
public record DomainLifecycleEvent(long hostId, UUID uuid, Kind kind) {

    /** libvirt's lifecycle event types. */
    public enum Kind {
        DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, SHUTDOWN, PMSUSPENDED, CRASHED, UNKNOWN
    }
}
