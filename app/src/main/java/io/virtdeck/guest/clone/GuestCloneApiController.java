package io.virtdeck.guest.clone;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Guest;
import io.virtdeck.task.Task;

/** Clones and templates. Creating a guest from a template goes through the create endpoint's {@code template}. */
@RestController
public class GuestCloneApiController {

    private final GuestCloneService clones;
    private final GuestTemplateService templates;

    GuestCloneApiController(GuestCloneService clones, GuestTemplateService templates) {
        this.clones = clones;
        this.templates = templates;
    }

    /** 202 with the clone's task; 400/409 naming the reason when a check before copying fails. */
    @PostMapping("/api/v1/guests/{id}/clone")
    ResponseEntity<Task> clone(@PathVariable long id, @RequestBody GuestCloneRequest request) {
        return accepted(clones.clone(id, request));
    }

    /** Marks a shut-off guest as a template: 200 with the guest ({@code "template": true}). */
    @PutMapping("/api/v1/guests/{id}/template")
    Guest mark(@PathVariable long id) {
        return templates.mark(id, true);
    }

    /** Makes a template an ordinary guest again: 200 with the guest. */
    @DeleteMapping("/api/v1/guests/{id}/template")
    Guest unmark(@PathVariable long id) {
        return templates.mark(id, false);
    }

    public static ResponseEntity<Task> accepted(Task task) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/tasks/" + task.id())).body(task);
    }
}
