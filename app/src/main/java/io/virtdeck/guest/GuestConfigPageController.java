package io.virtdeck.guest;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.inventory.Guest;
import io.virtdeck.web.VirtdeckException;

/** The guest's Configure page: vCPUs, memory, autostart and description in one form. */
@Controller
class GuestConfigPageController {

    private final GuestConfigService config;

    GuestConfigPageController(GuestConfigService config) {
        this.config = config;
    }

    @GetMapping("/guests/{id}/configure")
    String form(@PathVariable long id, Model model) {
        Guest guest = config.editable(id);
        model.addAttribute("guest", guest);
        model.addAttribute("form", new GuestChanges(guest.vcpus(), guest.memoryMiB(), guest.autostart(),
                guest.description() == null ? "" : guest.description()));
        return "guests/configure";
    }

    /** Sends only what changed, so that a running guest is not resized for nothing. */
    @PostMapping("/guests/{id}/configure")
    String save(@PathVariable long id, @RequestParam int vcpus, @RequestParam long memoryMiB,
                @RequestParam(defaultValue = "false") boolean autostart,
                @RequestParam(defaultValue = "") String description, Model model, RedirectAttributes redirect) {
        Guest guest = config.editable(id);
        GuestChanges changes = new GuestChanges(vcpus == guest.vcpus() ? null : vcpus,
                memoryMiB == guest.memoryMiB() ? null : memoryMiB, autostart == guest.autostart() ? null : autostart,
                description.equals(guest.description() == null ? "" : guest.description()) ? null : description);
        try {
            config.change(id, changes);
            redirect.addFlashAttribute("notice", "Saved the configuration of " + guest.name() + ".");
            return "redirect:/guests/" + id;
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            model.addAttribute("guest", guest);
            model.addAttribute("form", new GuestChanges(vcpus, memoryMiB, autostart, description));
            model.addAttribute("problem", e.getMessage());
            model.addAttribute("problemField", e.field());
            return "guests/configure";
        }
    }
}
