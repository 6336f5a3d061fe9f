package io.virtdeck.alerts.rules;

import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

/**
 * What Virtdeck alerts on (README: Alerts): kinds HOST_LOST, GUEST_CRASHED, POOL_ABOVE (percent), POOL_FULL_WITHIN
 * (days), MEMORY_OVERCOMMIT and VCPU_OVERCOMMIT (ratio), HA_RESTART_IMPOSSIBLE, BACKUP_MISSED (minutes),
 * GUEST_CHANGED_OUTSIDE, TASK_FAILED (taskType), HA_RESTART_DONE, BACKUP_FAILED, CONSOLE_OPENED (guest).
 */
@RestController
class AlertRuleApiController {

    private final AlertRuleService rules;

    AlertRuleApiController(AlertRuleService rules) {
        this.rules = rules;
    }

    @GetMapping("/api/v1/alert-rules")
    List<AlertRuleView> list() {
        return rules.list();
    }

    @GetMapping("/api/v1/alert-rules/{id}")
    AlertRuleView get(@PathVariable long id) {
        return rules.get(id);
    }

    /** 201 with the rule; 400 naming the field at fault (an unknown kind or target, a threshold missing or out of range). */
    @PostMapping("/api/v1/alert-rules")
    @ApiResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = AlertRuleView.class)))
    ResponseEntity<AlertRuleView> create(@RequestBody AlertRuleRequest request) {
        AlertRuleView rule = rules.create(request);
        return ResponseEntity.created(URI.create("/api/v1/alert-rules/" + rule.id())).body(rule);
    }

    /** The whole rule again. */
    @PutMapping("/api/v1/alert-rules/{id}")
    AlertRuleView update(@PathVariable long id, @RequestBody AlertRuleRequest request) {
        return rules.update(id, request);
    }

    /** Its alerts stay in the history; those firing are closed without a message. */
    @DeleteMapping("/api/v1/alert-rules/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        rules.delete(id);
    }
}
