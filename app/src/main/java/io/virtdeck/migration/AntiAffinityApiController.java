package io.virtdeck.migration;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** OpenAPI: anti-affinity groups, guests that never run on one host together. */
@RestController
class AntiAffinityApiController {

    private final AntiAffinityGroups groups;

    AntiAffinityApiController(AntiAffinityGroups groups) {
        this.groups = groups;
    }

    @GetMapping("/api/v1/anti-affinity-groups")
    List<AntiAffinityGroups.GroupView> list() {
        return groups.list();
    }

    /** Makes the group, or replaces its members. */
    @PutMapping("/api/v1/anti-affinity-groups/{name}")
    AntiAffinityGroups.GroupView set(@PathVariable String name, @RequestBody AntiAffinityGroups.GroupRequest request) {
        return groups.set(name, request);
    }

    @DeleteMapping("/api/v1/anti-affinity-groups/{name}")
    ResponseEntity<Void> delete(@PathVariable String name) {
        groups.delete(name);
        return ResponseEntity.noContent().build();
    }
}
