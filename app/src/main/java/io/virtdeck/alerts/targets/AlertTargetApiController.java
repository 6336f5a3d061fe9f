package io.virtdeck.alerts.targets;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Where alerts are sent: mail servers and webhooks (README: Alerts). Secrets go in, never out. */
@RestController
class AlertTargetApiController {

    private final AlertTargetService targets;

    AlertTargetApiController(AlertTargetService targets) {
        this.targets = targets;
    }

    /** Every target, with whether its secret is set and how its last delivery went. */
    @GetMapping("/api/v1/alert-targets")
    List<AlertTargetView> list() {
        return targets.list();
    }

    @GetMapping("/api/v1/alert-targets/{id}")
    AlertTargetView get(@PathVariable long id) {
        return targets.get(id);
    }

    /** 201 with the target; 400 naming the field at fault, 409 for a name taken. */
    @PostMapping("/api/v1/alert-targets")
    ResponseEntity<AlertTargetView> create(@RequestBody AlertTargetRequest request) {
        AlertTargetView target = targets.create(request);
        return ResponseEntity.created(URI.create("/api/v1/alert-targets/" + target.id())).body(target);
    }

    /** The whole target again; a blank password or key keeps the stored one. */
    @PutMapping("/api/v1/alert-targets/{id}")
    AlertTargetView update(@PathVariable long id, @RequestBody AlertTargetRequest request) {
        return targets.update(id, request);
    }

    @DeleteMapping("/api/v1/alert-targets/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        targets.delete(id);
    }

    /**
     * Sends a test message now (a few seconds at most): 200 with {@code sent} and the receiver's answer in plain words,
     * whether it arrived or not ("Failed: connection refused by smtp.example:587").
     */
    @PostMapping("/api/v1/alert-targets/{id}/test")
    AlertTargetService.TestAnswer test(@PathVariable long id) {
        return targets.test(id);
    }
}
