package io.virtdeck.guest.lifecycle;

import java.util.List;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.inventory.Guest;

@RestController
@RequestMapping("/api/v1/guests/{id}")
class GuestActionApiController {

    private final GuestLifecycleService lifecycle;

    GuestActionApiController(GuestLifecycleService lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * start, shutdown, poweroff, reboot, reset, suspend, resume: 200 with the guest as it is now. {@code agent=true}
     * (shutdown only): through the guest agent instead of the ACPI power button; 409 when the agent does not answer.
     */
    @PostMapping("/actions/{action}")
    Guest act(@PathVariable long id, @PathVariable String action,
              @RequestParam(defaultValue = "false") boolean agent) {
        DomainAction parsed = GuestActions.parse(action);
        if (!agent) {
            return lifecycle.perform(id, parsed);
        }
        if (parsed != DomainAction.SHUTDOWN) {
            throw VirtdeckException.invalid("agent", "Only shutdown can go through the guest agent.");
        }
        return lifecycle.shutdownThroughAgent(id);
    }

    @DeleteMapping
    Deleted delete(@PathVariable long id, @RequestParam(defaultValue = "false") boolean deleteDisks) {
        return new Deleted(id, lifecycle.delete(id, deleteDisks));
    }

    record Deleted(long id, List<String> volumesDeleted) {
    }
}
