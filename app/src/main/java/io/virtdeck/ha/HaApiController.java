package io.virtdeck.ha;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** OpenAPI: a guest's high availability (on or off, priority, restarts), and the fleet's HA guests and restarts. */
@RestController
class HaApiController {

    private final HaService ha;

    HaApiController(HaService ha) {
        this.ha = ha;
    }

    @GetMapping("/api/v1/guests/{id}/ha")
    HaService.HaSettings settings(@PathVariable long id) {
        return ha.settings(id);
    }

    @PutMapping("/api/v1/guests/{id}/ha")
    HaService.HaSettings set(@PathVariable long id, @RequestBody HaService.HaRequest request) {
        return ha.set(id, request);
    }

    /** 204 once the host is declared lost; 409 while it answers. */
    @PostMapping("/api/v1/hosts/{id}/confirm-down")
    ResponseEntity<Void> confirmDown(@PathVariable long id) {
        ha.confirmDown(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/ha")
    HaService.HaOverview overview() {
        return ha.overview();
    }
}
