package io.virtdeck.guest.config;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.hypervisor.ResourceLimits;
import io.virtdeck.inventory.Guest;

@RestController
class GuestConfigApiController {

    private final GuestConfigService config;

    GuestConfigApiController(GuestConfigService config) {
        this.config = config;
    }

    /** 200 with the guest as it is now; 400 naming the field; 409 when its state does not allow the change. */
    @PatchMapping("/api/v1/guests/{id}")
    Guest change(@PathVariable long id, @RequestBody GuestChanges changes) {
        return config.change(id, changes);
    }

    /** The resource limits in the guest's definition (CPU, memory, disk I/O, vCPU pinning, NUMA), from libvirt. */
    @GetMapping("/api/v1/guests/{id}/limits")
    ResourceLimits limits(@PathVariable long id) {
        return config.limits(id);
    }
}
