package io.virtdeck.network;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.hypervisor.NetworkFacts;
import io.virtdeck.web.AutostartRequest;

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

    /** Starts or stops the network (stopping: 409 while guests use it). */
    @PostMapping("/{name}/state")
    ResponseEntity<Void> setActive(@PathVariable long id, @PathVariable String name,
                                   @RequestBody(required = false) NetworkStateRequest request) {
        networks.setActive(id, name, request == null ? null : request.active());
        return ResponseEntity.noContent().build();
    }

    /** Whether the network starts with libvirtd. */
    @PutMapping("/{name}/autostart")
    ResponseEntity<Void> setAutostart(@PathVariable long id, @PathVariable String name,
                                      @RequestBody(required = false) AutostartRequest request) {
        networks.setAutostart(id, name, request == null ? null : request.autostart());
        return ResponseEntity.noContent().build();
    }

    /** {@code {"mac","ip","name"?}}: a static DHCP entry, live and in the definition; answers with the network. */
    @PostMapping("/{name}/dhcp-hosts")
    ResponseEntity<NetworkFacts> addDhcpHost(@PathVariable long id, @PathVariable String name,
                                             @RequestBody NetworkFacts.DhcpHost request) {
        NetworkFacts network = networks.addDhcpHost(id, name, request);
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + id + "/networks/" + name + "/dhcp-hosts/"
                + request.mac())).body(network);
    }

    @DeleteMapping("/{name}/dhcp-hosts/{mac}")
    ResponseEntity<Void> removeDhcpHost(@PathVariable long id, @PathVariable String name, @PathVariable String mac) {
        networks.removeDhcpHost(id, name, mac);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{name}/leases")
    List<NetworkService.LeaseView> leases(@PathVariable long id, @PathVariable String name) {
        return networks.leases(id, name);
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
