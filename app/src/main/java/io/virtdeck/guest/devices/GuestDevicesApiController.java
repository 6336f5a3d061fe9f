package io.virtdeck.guest.devices;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.guest.clone.GuestCloneApiController;
import io.virtdeck.inventory.Guest;
import io.virtdeck.network.NicRequest;
import io.virtdeck.task.Task;

/** Hot-plug: POST adds a device and answers with the guest; DELETE unplugs one (409 when the guest keeps it). */
@RestController
class GuestDevicesApiController {

    private final GuestDevicesService devices;
    private final GuestCdromService cdroms;
    private final GuestDiskMoveService moves;

    GuestDevicesApiController(GuestDevicesService devices, GuestCdromService cdroms, GuestDiskMoveService moves) {
        this.devices = devices;
        this.cdroms = cdroms;
        this.moves = moves;
    }

    /**
     * {@code {"pool","sizeMiB","format"?}}: a new volume in the pool, plugged in as the next virtio disk; or
     * {@code {"pool","volume","shareable"?}}: that existing volume plugged in (409 naming the guest that has it as a
     * disk, unless both mark it shareable).
     */
    @PostMapping("/api/v1/guests/{id}/disks")
    Guest addDisk(@PathVariable long id, @RequestBody GuestDevicesService.DiskRequest request) {
        return devices.addDisk(id, request);
    }

    /**
     * {@code {"sizeMiB"}}: the disk at {@code target} grown to that size, while the guest runs or is shut off; 400 when
     * it is not larger than now (disks only grow).
     */
    @PostMapping("/api/v1/guests/{id}/disks/{target}/grow")
    Guest growDisk(@PathVariable long id, @PathVariable String target,
                   @RequestBody GuestDevicesService.GrowRequest request) {
        return devices.growDisk(id, target, request);
    }

    /**
     * {@code {"pool","deleteSource"?,"bandwidthMiBPerSecond"?}}: 202 with the task that moves the guest's disk at
     * {@code target} into a new volume of that pool, while the guest runs or while it is shut off; the old volume is
     * kept unless {@code deleteSource}. Cancelling the task leaves the guest on its old volume and deletes the new one.
     */
    @PostMapping("/api/v1/guests/{id}/disks/{target}/move")
    ResponseEntity<Task> moveDisk(@PathVariable long id, @PathVariable String target,
                                  @RequestBody GuestDiskMoveService.MoveRequest request) {
        return GuestCloneApiController.accepted(moves.move(id, target, request));
    }

    /**
     * {@code {"pool","volume","target"?}}: the volume (an installation image) put into the guest's CD-ROM drive, the
     * first one unless {@code target} names another; a shut-off guest without a drive gets one.
     */
    @PostMapping("/api/v1/guests/{id}/cdrom/insert")
    Guest insertCdrom(@PathVariable long id, @RequestBody GuestCdromService.InsertRequest request) {
        return cdroms.insert(id, request);
    }

    /** {@code {"target"?}} (or no body): the image in the guest's CD-ROM drive taken out. */
    @PostMapping("/api/v1/guests/{id}/cdrom/eject")
    Guest ejectCdrom(@PathVariable long id,
                     @RequestBody(required = false) GuestCdromService.EjectRequest request) {
        return cdroms.eject(id, request);
    }

    @DeleteMapping("/api/v1/guests/{id}/disks/{target}")
    Guest removeDisk(@PathVariable long id, @PathVariable String target) {
        return devices.removeDisk(id, target);
    }

    /**
     * {@code {"network"} or {"bridge"}, "model"?, "mac"?}: a NIC on that virtual network or host bridge; model virtio
     * (default), e1000, e1000e or rtl8139; the MAC address made when absent, 409 when another NIC of the host has it.
     */
    @PostMapping("/api/v1/guests/{id}/nics")
    Guest addNic(@PathVariable long id, @RequestBody NicRequest request) {
        return devices.addNic(id, request);
    }

    @DeleteMapping("/api/v1/guests/{id}/nics/{mac}")
    Guest removeNic(@PathVariable long id, @PathVariable String mac) {
        return devices.removeNic(id, mac);
    }
}
