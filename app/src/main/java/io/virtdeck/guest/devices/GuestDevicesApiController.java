package io.virtdeck.guest.devices;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Guest;
import io.virtdeck.network.NicRequest;

/** Hot-plug: POST adds a device and answers with the guest; DELETE unplugs one (409 when the guest keeps it). */
@RestController
class GuestDevicesApiController {

    private final GuestDevicesService devices;

    GuestDevicesApiController(GuestDevicesService devices) {
        this.devices = devices;
    }

    /** {@code {"pool","sizeMiB","format"?}}: a new volume in the pool, plugged in as the next virtio disk. */
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
