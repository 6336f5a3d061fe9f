package io.virtdeck.migration;

import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Host;
import io.virtdeck.task.Task;

@RestController
class MigrationApiController {

    private final MigrationService migrations;
    private final MaintenanceService maintenance;

    MigrationApiController(MigrationService migrations, MaintenanceService maintenance) {
        this.migrations = migrations;
        this.maintenance = maintenance;
    }

    /** 202 with the migration's task; 409 naming the reason when a check before starting fails. */
    @PostMapping("/api/v1/guests/{id}/migrate")
    ResponseEntity<Task> migrate(@PathVariable long id, @RequestBody MigrationRequest request) {
        return accepted(migrations.migrate(id, request));
    }

    /** Every other host, with the reasons the guest cannot move there (an empty list: it can). */
    @GetMapping("/api/v1/guests/{id}/migrate/targets")
    List<TargetView> targets(@PathVariable long id) {
        return migrations.targets(id).stream()
                .map(t -> new TargetView(t.host().id(), t.host().name(), t.problems().isEmpty(), t.problems()))
                .toList();
    }

    record TargetView(long hostId, String name, boolean possible, List<String> problems) {
    }

    /** {@code enabled: true}: 202 with the evacuation task; {@code enabled: false}: 200 with the host. */
    @PostMapping("/api/v1/hosts/{id}/maintenance")
    @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Host.class)))
    @ApiResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = Task.class)))
    ResponseEntity<?> maintenance(@PathVariable long id,
                                  @RequestBody(required = false) MaintenanceRequest request) {
        if (maintenance.entering(id, request)) {
            return accepted(maintenance.enter(id, request));
        }
        Host host = maintenance.leave(id);
        return ResponseEntity.ok(host);
    }

    private static ResponseEntity<Task> accepted(Task task) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/tasks/" + task.id())).body(task);
    }
}
