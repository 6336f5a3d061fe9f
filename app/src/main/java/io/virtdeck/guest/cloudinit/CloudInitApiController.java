package io.virtdeck.guest.cloudinit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.VirtdeckException;

/** A guest's cloud-init settings. They are first given with the create request's {@code cloudInit}. */
@RestController
class CloudInitApiController {

    private final CloudInitService cloudInit;

    CloudInitApiController(CloudInitService cloudInit) {
        this.cloudInit = cloudInit;
    }

    /** 200 with the settings; 404 when the guest has none. */
    @GetMapping("/api/v1/guests/{id}/cloud-init")
    CloudInitView settings(@PathVariable long id) {
        return cloudInit.settings(id).orElseThrow(() -> VirtdeckException.notFound(
                "Guest " + id + " has no cloud-init settings."));
    }

    /**
     * New settings for a shut-off guest: 200 with them, its new seed written (the guest applies it at its next
     * start); 400 naming the field, 409 when the guest runs or is a template.
     */
    @PutMapping("/api/v1/guests/{id}/cloud-init")
    CloudInitView update(@PathVariable long id, @RequestBody CloudInitRequest request) {
        return cloudInit.update(id, request);
    }
}
