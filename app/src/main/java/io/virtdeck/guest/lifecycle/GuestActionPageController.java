package io.virtdeck.guest.lifecycle;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;

/** Power buttons and the delete confirmation of the guest pages; results come back as a notice on the page. */
@Controller
class GuestActionPageController {

    private static final java.util.regex.Pattern RETURN_TO = java.util.regex.Pattern.compile("/guests[A-Za-z0-9/?=&%._,-]*");

    private final GuestLifecycleService lifecycle;
    private final GuestQuery guests;

    GuestActionPageController(GuestLifecycleService lifecycle, GuestQuery guests) {
        this.lifecycle = lifecycle;
        this.guests = guests;
    }

    /** {@code agent=true}: shut down through the guest agent (the agent card's button). */
    @PostMapping("/guests/{id}/actions/{action}")
    String act(@PathVariable long id, @PathVariable String action,
               @RequestParam(defaultValue = "false") boolean agent,
               @RequestParam(defaultValue = "") String returnTo, RedirectAttributes redirect) {
        DomainAction parsed = GuestActions.parse(action);
        if (agent && parsed != DomainAction.SHUTDOWN) {
            throw VirtdeckException.invalid("agent", "Only shutdown can go through the guest agent.");
        }
        try {
            Guest guest = agent ? lifecycle.shutdownThroughAgent(id) : lifecycle.perform(id, parsed);
            redirect.addFlashAttribute("notice", GuestActions.label(parsed) + (agent ? " through the guest agent" : "")
                    + ": " + guest.name() + " is now " + GuestActions.describe(guest.state(), guest.managedSave())
                    + ".");
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:" + safeReturn(returnTo, id);
    }

    @GetMapping("/guests/{id}/delete")
    String confirmDelete(@PathVariable long id, Model model) {
        lifecycle.requireMayDelete(id);
        model.addAttribute("guest", guests.get(id));
        return "guest/delete";
    }

    @PostMapping("/guests/{id}/delete")
    String delete(@PathVariable long id, @RequestParam(defaultValue = "false") boolean deleteDisks,
                  RedirectAttributes redirect) {
        Guest guest = guests.get(id);
        try {
            List<String> volumes = lifecycle.delete(id, deleteDisks);
            redirect.addFlashAttribute("notice", "Deleted " + guest.name()
                    + (deleteDisks ? " and " + volumes.size() + " disk volume(s)." : "; its disks were kept."));
            return "redirect:/guests";
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
            return "redirect:/guests/" + id;
        }
    }

    /** Only our own guest pages are valid places to return to: never an address from elsewhere. */
    private static String safeReturn(String returnTo, long id) {
        return RETURN_TO.matcher(returnTo).matches() ? returnTo : "/guests/" + id;
    }
}
