package io.virtdeck.guest.snapshot;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** OpenAPI: a guest's snapshots, as a tree; take, revert to, delete. */
@RestController
@RequestMapping("/api/v1/guests/{id}/snapshots")
class GuestSnapshotApiController {

    private final GuestSnapshotService snapshots;

    GuestSnapshotApiController(GuestSnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @GetMapping
    SnapshotTree list(@PathVariable long id) {
        return snapshots.list(id);
    }

    /** 201 with the snapshot taken, and whether its file systems were frozen for it. */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    TakenSnapshot create(@PathVariable long id, @RequestBody SnapshotRequest request) {
        return snapshots.create(id, request);
    }

    /** 200 with the guest as it is after the revert (its state is the snapshot's), and what came of the thaw. */
    @PostMapping("/{name}/revert")
    RevertedGuest revert(@PathVariable long id, @PathVariable String name) {
        return snapshots.revert(id, name);
    }

    /** 200 with the snapshots left. */
    @DeleteMapping("/{name}")
    SnapshotTree delete(@PathVariable long id, @PathVariable String name) {
        return snapshots.delete(id, name);
    }
}
