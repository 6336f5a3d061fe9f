package io.virtdeck.network;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.hypervisor.NetworkFacts;

@RestController
@RequestMapping("/api/v1/hosts/{id}/networks")
class NetworkApiController {

    private final NetworkService networks;

    NetworkApiController(NetworkService networks) {
        this.networks = networks;
    }

    @GetMapping
    List<NetworkService.NetworkView> list(@PathVariable long id) {
        return networks.networksWithUsers(id);
    }

    /** {@code {"active": true|false}}: starts or stops the network (stopping: 409 while guests use it). */
    @PostMapping("/{name}/state")
    ResponseEntity<Void> setActive(@PathVariable long id, @PathVariable String name,
                                   @RequestBody java.util.Map<String, Boolean> request) {
        Boolean active = request.get("active");
        if (active == null) {
            throw io.virtdeck.web.VirtdeckException.invalid("active", "active is required: true to start the"
                    + " network, false to stop it.");
        }
        networks.setActive(id, name, active);
        return ResponseEntity.noContent().build();
    }

    @PostMapping
    ResponseEntity<NetworkFacts> create(@PathVariable long id, @RequestBody NetworkRequest request) {
        NetworkFacts network = networks.create(id, request);
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + id + "/networks/" + network.name()))
                .body(network);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable long id, @PathVariable String name) {
        networks.delete(id, name);
        return ResponseEntity.noContent().build();
    }
}
