package io.virtdeck.alerts.firing;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.Page;

/** Alerts firing now and their history (README: Alerts); acknowledging one with a note. */
@RestController
class AlertApiController {

    private final AlertService alerts;

    AlertApiController(AlertService alerts) {
        this.alerts = alerts;
    }

    /** The newest first; {@code state} FIRING or RESOLVED (all when not given); {@code page} from 0, {@code size} 1-500. */
    @GetMapping("/api/v1/alerts")
    Page<Alert> list(@RequestParam(required = false) String state, @RequestParam(required = false) Integer page,
                     @RequestParam(required = false) Integer size) {
        return alerts.list(state, page, size);
    }

    @GetMapping("/api/v1/alerts/{id}")
    Alert get(@PathVariable long id) {
        return alerts.get(id);
    }

    /** What an acknowledgement says: an optional note, at most 1000 characters. */
    record Acknowledgement(String note) {
    }

    /**
     * A condition is no longer repeated (its resolved message still comes); an event's alert is closed. 409 when it was
     * acknowledged already.
     */
    @PostMapping("/api/v1/alerts/{id}/acknowledge")
    Alert acknowledge(@PathVariable long id, @RequestBody(required = false) Acknowledgement body) {
        return alerts.acknowledge(id, body == null ? null : body.note());
    }
}
