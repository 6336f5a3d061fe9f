package io.virtdeck.bulk;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/guests/bulk-actions")
class BulkActionApiController {

    private final BulkActionService bulk;

    BulkActionApiController(BulkActionService bulk) {
        this.bulk = bulk;
    }

    /**
     * 202 with the bulk action's task at once (the guests are acted on afterwards); 400 naming the field for an unknown
     * action, no guest selected, a missing snapshot name or a migration target that is no host; 403 for those who may
     * act on no guest.
     */
    @PostMapping
    ResponseEntity<BulkStarted> start(@RequestBody(required = false) BulkRequest request) {
        BulkStarted started = bulk.start(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/guests/bulk-actions/" + started.task().id()))
                .body(started);
    }

    /** How far it got, and every guest that failed or was skipped, with why. */
    @GetMapping("/{taskId}")
    BulkResult result(@PathVariable long taskId) {
        return bulk.result(taskId);
    }

    /** The guests' actions running finish; those not started are skipped. */
    @PostMapping("/{taskId}/cancel")
    BulkResult cancel(@PathVariable long taskId) {
        return bulk.cancel(taskId);
    }
}
