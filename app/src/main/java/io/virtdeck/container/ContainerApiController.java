package io.virtdeck.container;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Guest;

@RestController
class ContainerApiController {

    private final ContainerService containers;

    ContainerApiController(ContainerService containers) {
        this.containers = containers;
    }

    /**
     * 201 with the new container as the inventory holds it (a guest of kind CONTAINER), as a guest's create answers;
     * 400/409 naming the field at fault; nothing left on failure.
     */
    @PostMapping("/api/v1/hosts/{id}/containers")
    ResponseEntity<Guest> create(@PathVariable long id, @RequestBody ContainerCreateRequest request) {
        Guest container = containers.create(id, request);
        return ResponseEntity.created(URI.create("/api/v1/guests/" + container.id())).body(container);
    }
}
