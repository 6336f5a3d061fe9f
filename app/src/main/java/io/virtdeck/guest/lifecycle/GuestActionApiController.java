package io.virtdeck.guest.lifecycle;

import java.util.List;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.inventory.Guest;

@RestController
@RequestMapping("/api/v1/guests/{id}")
class GuestActionApiController {

    private final GuestLifecycleService lifecycle;

    GuestActionApiController(GuestLifecycleService lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** start, shutdown, poweroff, reboot, reset, suspend, resume: 200 with the guest as it is now. */
    @PostMapping("/actions/{action}")
    Guest act(@PathVariable long id, @PathVariable String action) {
        return lifecycle.perform(id, GuestActions.parse(action));
    }

    @DeleteMapping
    Deleted delete(@PathVariable long id, @RequestParam(defaultValue = "false") boolean deleteDisks) {
        return new Deleted(id, lifecycle.delete(id, deleteDisks));
    }

    record Deleted(long id, List<String> volumesDeleted) {
    }
}
