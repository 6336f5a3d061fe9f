package io.virtdeck.tag;

import java.util.List;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tags of guests and hosts: the tags in use, and each object's tags replaced (PUT), added to (POST) or one removed
 * (DELETE). An object's tags are read with it (GET /api/v1/guests/{id}, /api/v1/hosts/{id}: {@code tags}); the guest
 * list filters by them ({@code tag=}, several: all must match).
 */
@RestController
class TagApiController {

    private final TagService tags;

    TagApiController(TagService tags) {
        this.tags = tags;
    }

    /** The tags on the guests and hosts the caller may see, with how many of each carry them. */
    @GetMapping("/api/v1/tags")
    List<TagUse> inUse() {
        return tags.inUse();
    }

    @PutMapping("/api/v1/guests/{id}/tags")
    TagList setOnGuest(@PathVariable long id, @RequestBody TagList request) {
        return new TagList(tags.setOnGuest(id, request.tags()));
    }

    @PostMapping("/api/v1/guests/{id}/tags")
    TagList addToGuest(@PathVariable long id, @RequestBody TagList request) {
        return new TagList(tags.addToGuest(id, request.tags()));
    }

    @DeleteMapping("/api/v1/guests/{id}/tags/{tag}")
    TagList removeFromGuest(@PathVariable long id, @PathVariable String tag) {
        return new TagList(tags.removeFromGuest(id, List.of(tag)));
    }

    @PutMapping("/api/v1/hosts/{id}/tags")
    TagList setOnHost(@PathVariable long id, @RequestBody TagList request) {
        return new TagList(tags.setOnHost(id, request.tags()));
    }

    @PostMapping("/api/v1/hosts/{id}/tags")
    TagList addToHost(@PathVariable long id, @RequestBody TagList request) {
        return new TagList(tags.addToHost(id, request.tags()));
    }

    @DeleteMapping("/api/v1/hosts/{id}/tags/{tag}")
    TagList removeFromHost(@PathVariable long id, @PathVariable String tag) {
        return new TagList(tags.removeFromHost(id, List.of(tag)));
    }
}
