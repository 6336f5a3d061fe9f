package io.virtdeck.storage;

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
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.web.AutostartRequest;

@RestController
@RequestMapping("/api/v1/hosts/{id}/pools")
class StorageApiController {

    private final StorageService storage;

    StorageApiController(StorageService storage) {
        this.storage = storage;
    }

    @GetMapping
    List<PoolFacts> pools(@PathVariable long id) {
        return storage.pools(id);
    }

    @PostMapping
    ResponseEntity<PoolFacts> createPool(@PathVariable long id, @RequestBody PoolRequest request) {
        PoolFacts pool = storage.createPool(id, request);
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + id + "/pools/" + pool.name())).body(pool);
    }

    /** build, start, stop or refresh; answers the pool as it is afterwards. */
    @PostMapping("/{pool}/{action:build|start|stop|refresh}")
    PoolFacts poolAction(@PathVariable long id, @PathVariable String pool, @PathVariable String action) {
        return storage.poolAction(id, pool, StorageService.poolActionNamed(action));
    }

    /** Whether libvirt starts the pool when it starts. */
    @PutMapping("/{pool}/autostart")
    PoolFacts autostart(@PathVariable long id, @PathVariable String pool,
                        @RequestBody(required = false) AutostartRequest request) {
        return storage.setAutostart(id, pool, request == null ? null : request.autostart());
    }

    /** Stops and undefines the pool (409 while guests have disks in it); volumes' files stay. */
    @DeleteMapping("/{pool}")
    ResponseEntity<Void> deletePool(@PathVariable long id, @PathVariable String pool) {
        storage.deletePool(id, pool);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{pool}/volumes")
    List<StorageService.VolumeView> volumes(@PathVariable long id, @PathVariable String pool) {
        return storage.volumes(id, pool);
    }

    @PostMapping("/{pool}/volumes")
    ResponseEntity<StorageService.VolumeView> createVolume(@PathVariable long id, @PathVariable String pool,
                                                           @RequestBody StorageService.VolumeRequest request) {
        StorageService.VolumeView volume = storage.createVolume(id, pool, request);
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + id + "/pools/" + pool + "/volumes/"
                + volume.name())).body(volume);
    }

    /** Grows the volume (only grows). */
    @PostMapping("/{pool}/volumes/{volume}/resize")
    StorageService.VolumeView resize(@PathVariable long id, @PathVariable String pool, @PathVariable String volume,
                                     @RequestBody VolumeResizeRequest request) {
        return storage.resizeVolume(id, pool, volume, request.sizeMiB());
    }

    /** A full copy in the same pool. */
    @PostMapping("/{pool}/volumes/{volume}/clone")
    ResponseEntity<StorageService.VolumeView> cloneVolume(@PathVariable long id, @PathVariable String pool,
                                                          @PathVariable String volume,
                                                          @RequestBody VolumeCloneRequest request) {
        StorageService.VolumeView copy = storage.cloneVolume(id, pool, volume, request.name());
        return ResponseEntity.created(URI.create("/api/v1/hosts/" + id + "/pools/" + pool + "/volumes/"
                + copy.name())).body(copy);
    }

    @DeleteMapping("/{pool}/volumes/{volume}")
    ResponseEntity<Void> deleteVolume(@PathVariable long id, @PathVariable String pool, @PathVariable String volume) {
        storage.deleteVolume(id, pool, volume);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"sizeMiB"}}: the volume's new size. */
    record VolumeResizeRequest(Long sizeMiB) {
    }

    /** {@code {"name"}}: the copy's name. */
    record VolumeCloneRequest(String name) {
    }
}
