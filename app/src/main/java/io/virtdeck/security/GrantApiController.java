package io.virtdeck.security;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Grants and groups over REST (README: Grants and groups); administrators only. */
@RestController
class GrantApiController {

    private final GrantService grants;

    GrantApiController(GrantService grants) {
        this.grants = grants;
    }

    @GetMapping("/api/v1/grants")
    List<Grant> list() {
        return grants.list();
    }

    /** {@code {"user" or "group", "path", "role"}}. */
    @PostMapping("/api/v1/grants")
    ResponseEntity<Grant> add(@RequestBody Grant.Request request) {
        Grant grant = grants.add(request);
        return ResponseEntity.created(URI.create("/api/v1/grants/" + grant.id())).body(grant);
    }

    @DeleteMapping("/api/v1/grants/{id}")
    ResponseEntity<Void> remove(@PathVariable long id) {
        grants.remove(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/groups")
    List<UserGroup> groups() {
        return grants.groups();
    }

    @PostMapping("/api/v1/groups")
    ResponseEntity<UserGroup> createGroup(@RequestBody NewGroup request) {
        UserGroup group = grants.createGroup(request.name());
        return ResponseEntity.created(URI.create("/api/v1/groups/" + group.id())).body(group);
    }

    @DeleteMapping("/api/v1/groups/{id}")
    ResponseEntity<Void> deleteGroup(@PathVariable long id) {
        grants.deleteGroup(id);
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/api/v1/groups/{id}/members/{username}")
    UserGroup addMember(@PathVariable long id, @PathVariable String username) {
        return grants.addMember(id, username);
    }

    @DeleteMapping("/api/v1/groups/{id}/members/{username}")
    UserGroup removeMember(@PathVariable long id, @PathVariable String username) {
        return grants.removeMember(id, username);
    }

    /** {@code {"name"}}: the new group's name. */
    record NewGroup(String name) {
    }
}
