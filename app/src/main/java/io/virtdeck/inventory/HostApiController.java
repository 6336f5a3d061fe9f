package io.virtdeck.inventory;

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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/hosts")
class HostApiController {

    private final HostService hosts;

    HostApiController(HostService hosts) {
        this.hosts = hosts;
    }

    /** {@code tag}: only the hosts carrying every one given (several allowed). */
    @GetMapping
    List<Host> list(@RequestParam(name = "tag", required = false) List<String> tags) {
        return hosts.list(tags);
    }

    @GetMapping("/{id}")
    Host get(@PathVariable long id) {
        return hosts.get(id);
    }

    /** 201 with the host, state CONNECTING until its first sync completes. */
    @PostMapping
    ResponseEntity<Host> register(@RequestBody NewHost request) {
        Host host = hosts.register(request.name(), request.uri(), request.credentials());
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + host.id())).body(host);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> remove(@PathVariable long id) {
        hosts.remove(id);
        return ResponseEntity.noContent().build();
    }

    /** Replaces the host's credentials (ADMIN); 400 naming the field when they do not connect. */
    @PutMapping("/{id}/credentials")
    Host replaceCredentials(@PathVariable long id, @RequestBody HostCredentialsRequest request) {
        return hosts.replaceCredentials(id, request);
    }

    /** Forgets the host's credentials (ADMIN); the host with none. */
    @DeleteMapping("/{id}/credentials")
    Host removeCredentials(@PathVariable long id) {
        return hosts.removeCredentials(id);
    }

    /** @param credentials optional (ADMIN only): see {@link HostCredentialsRequest} */
    record NewHost(String name, String uri, HostCredentialsRequest credentials) {
    }
}
