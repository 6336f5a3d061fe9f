package io.virtdeck.guest;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Guest;

@RestController
class GuestCreateApiController {

    private final GuestCreateService creation;

    GuestCreateApiController(GuestCreateService creation) {
        this.creation = creation;
    }

    /** 201 with the new guest as the inventory holds it; 400/409 naming the field at fault; nothing left on failure. */
    @PostMapping("/api/v1/hosts/{id}/guests")
    ResponseEntity<Guest> create(@PathVariable long id, @RequestBody GuestCreateRequest request) {
        Guest guest = creation.create(id, request);
        return ResponseEntity.created(URI.create("/api/v1/guests/" + guest.id())).body(guest);
    }
}
