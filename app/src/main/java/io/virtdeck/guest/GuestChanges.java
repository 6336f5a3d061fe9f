package io.virtdeck.guest;

/**
 * API.md: PATCH /api/v1/guests/{id}. Every field is optional; what is absent stays as it is. vCPUs and memory change
 * live when the guest runs (and in its definition); autostart in libvirt; the description in Virtdeck.
 */
public record GuestChanges(Integer vcpus, Long memoryMiB, Boolean autostart, String description) {

    boolean resizes() {
        return vcpus != null || memoryMiB != null;
    }
}
