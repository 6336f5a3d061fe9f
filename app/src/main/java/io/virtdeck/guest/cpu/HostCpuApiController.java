package io.virtdeck.guest.cpu;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.hypervisor.HostCpuOffer;

@RestController
class HostCpuApiController {

    private final HostCpuModels models;

    HostCpuApiController(HostCpuModels models) {
        this.models = models;
    }

    /**
     * The CPU modes, usable named models and features the host offers guests of {@code domainType} (by default the
     * kind new guests get there): what a guest's {@code cpu} may ask for.
     */
    @GetMapping("/api/v1/hosts/{id}/cpu-models")
    HostCpuOffer offer(@PathVariable long id, @RequestParam(required = false) String domainType) {
        return models.offer(id, domainType);
    }
}
