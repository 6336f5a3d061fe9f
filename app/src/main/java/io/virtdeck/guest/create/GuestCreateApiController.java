package io.virtdeck.guest.create;

import java.net.URI;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.guest.clone.GuestCloneApiController;
import io.virtdeck.guest.clone.GuestCloneService;
import io.virtdeck.inventory.Guest;
import io.virtdeck.task.Task;

@RestController
class GuestCreateApiController {

    private final GuestCreateService creation;
    private final GuestCloneService clones;

    GuestCreateApiController(GuestCreateService creation, GuestCloneService clones) {
        this.creation = creation;
        this.clones = clones;
    }

    /**
     * 201 with the new guest as the inventory holds it; with {@code template}, 202 with the task that copies the
     * template. 400/409 naming the field at fault; nothing left on failure.
     */
    @PostMapping("/api/v1/hosts/{id}/guests")
    @ApiResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = Guest.class)))
    @ApiResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = Task.class)))
    ResponseEntity<?> create(@PathVariable long id, @RequestBody GuestCreateRequest request) {
        if (request.template() != null) {
            return GuestCloneApiController.accepted(clones.createFromTemplate(id, request));
        }
        Guest guest = creation.create(id, request);
        return ResponseEntity.created(URI.create("/api/v1/guests/" + guest.id())).body(guest);
    }
}
