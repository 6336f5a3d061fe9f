package io.virtdeck.guest.config;

import io.virtdeck.guest.cpu.CpuRequest;
import io.virtdeck.hypervisor.ResourceLimits;

/**
 * OpenAPI: PATCH /api/v1/guests/{id}. Every field is optional; what is absent stays as it is. vCPUs and memory change
 * live when the guest runs (and in its definition); autostart in libvirt; the description in Virtdeck. {@code limits}
 * replaces all of the guest's resource limits (a limit left out is removed). {@code cpu} replaces its CPU in its
 * definition: a running guest gets it at its next start.
 */
public record GuestChanges(Integer vcpus, Long memoryMiB, Boolean autostart, String description,
                           ResourceLimits limits, CpuRequest cpu) {

    GuestChanges(Integer vcpus, Long memoryMiB, Boolean autostart, String description) {
        this(vcpus, memoryMiB, autostart, description, null, null);
    }

    boolean resizes() {
        return vcpus != null || memoryMiB != null;
    }
}
