package io.virtdeck.guest;

import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.inventory.Guest;

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

    @DeleteMapping("/api/v1/guests/{id}/disks/{target}")
    Guest removeDisk(@PathVariable long id, @PathVariable String target) {
        return devices.removeDisk(id, target);
    }

    /** {@code {"network"}}: a virtio NIC on that virtual network. */
    @PostMapping("/api/v1/guests/{id}/nics")
    Guest addNic(@PathVariable long id, @RequestBody Map<String, String> request) {
        return devices.addNic(id, request.get("network"));
    }

    @DeleteMapping("/api/v1/guests/{id}/nics/{mac}")
    Guest removeNic(@PathVariable long id, @PathVariable String mac) {
        return devices.removeNic(id, mac);
    }
}
