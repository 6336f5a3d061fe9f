package io.virtdeck.guest.snapshot;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/** The Snapshots tab of the guest page: the tree, a form to take one, revert and delete buttons. */
@Controller
class GuestSnapshotPageController {

    private final GuestSnapshotService snapshots;
    private final GuestQuery guests;

    private final Permissions permissions;

    GuestSnapshotPageController(GuestSnapshotService snapshots, GuestQuery guests, Permissions permissions) {
        this.snapshots = snapshots;
        this.guests = guests;
        this.permissions = permissions;
    }

    @GetMapping("/guests/{id}/snapshots")
    String tab(@PathVariable long id, Model model) {
        model.addAttribute("guest", guests.get(id));
        model.addAttribute("mayOperate", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        try {
            model.addAttribute("tree", snapshots.list(id));
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            model.addAttribute("treeError", e.getMessage());
        }
        return "guest/snapshots";
    }

    @PostMapping("/guests/{id}/snapshots")
    String create(@PathVariable long id, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String description, RedirectAttributes redirect) {
        // kept for the form in case of a refusal, so that the operator corrects rather than retypes
        redirect.addFlashAttribute("typedName", name);
        redirect.addFlashAttribute("typedDescription", description);
        return act(id, redirect, () -> {
            TakenSnapshot taken = snapshots.create(id, new SnapshotRequest(name, description, null));
            redirect.getFlashAttributes().remove("typedName");
            redirect.getFlashAttributes().remove("typedDescription");
            return "Took snapshot " + taken.snapshot().name() + " (" + (taken.snapshot().withMemory()
                    ? "disk and memory" : "disk only") + "; " + taken.consistency() + ").";
        });
    }

    @PostMapping("/guests/{id}/snapshots/{name}/revert")
    String revert(@PathVariable long id, @PathVariable String name, RedirectAttributes redirect) {
        return act(id, redirect, () -> {
            RevertedGuest reverted = snapshots.revert(id, name);
            Guest guest = reverted.guest();
            return "Reverted " + guest.name() + " to snapshot " + name + "; it is now "
                    + GuestActions.describe(guest.state(), guest.managedSave()) + "."
                    + (reverted.thaw() == null ? "" : " " + capitalized(reverted.thaw()) + ".");
        });
    }

    @PostMapping("/guests/{id}/snapshots/{name}/delete")
    String delete(@PathVariable long id, @PathVariable String name, RedirectAttributes redirect) {
        return act(id, redirect, () -> {
            snapshots.delete(id, name);
            return "Deleted snapshot " + name + ".";
        });
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Runs a change and comes back to the tab with a notice, or with the refusal in words. */
    private static String act(long id, RedirectAttributes redirect, java.util.function.Supplier<String> change) {
        try {
            redirect.addFlashAttribute("notice", change.get());
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/guests/" + id + "/snapshots";
    }
}
