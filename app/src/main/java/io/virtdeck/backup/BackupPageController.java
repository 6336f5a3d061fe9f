package io.virtdeck.backup;

import java.util.function.Supplier;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;

/** A guest's Backups tab: its points with their sizes and outcomes, Back up now, and Restore as a new guest. */
@Controller
class BackupPageController {

    private final BackupService backups;
    private final BackupStoreService stores;
    private final GuestQuery guests;
    private final Permissions permissions;

    BackupPageController(BackupService backups, BackupStoreService stores, GuestQuery guests,
                         Permissions permissions) {
        this.backups = backups;
        this.stores = stores;
        this.guests = guests;
        this.permissions = permissions;
    }

    @GetMapping("/guests/{id}/backups")
    String tab(@PathVariable long id, Model model) {
        model.addAttribute("guest", guests.get(id));
        model.addAttribute("points", backups.points(id));
        model.addAttribute("stores", stores.list());
        model.addAttribute("mayOperate", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        return "backup/guest-backups";
    }

    @PostMapping("/guests/{id}/backups")
    String backUp(@PathVariable long id, @RequestParam(required = false) Long storeId,
                  @RequestParam(defaultValue = "false") boolean full, RedirectAttributes redirect) {
        return act(id, redirect, () -> started(backups.backUp(id, new BackupRunRequest(storeId, full, true)),
                "Backup"));
    }

    @PostMapping("/guests/{id}/backups/{point}/restore")
    String restore(@PathVariable long id, @PathVariable long point, @RequestParam(defaultValue = "") String name,
                   RedirectAttributes redirect) {
        return act(id, redirect, () -> started(backups.restore(point, new RestoreRequest(name, null, null)),
                "Restore as '" + name + "'"));
    }

    private static String started(Task task, String what) {
        return what + " started (task " + task.id() + "); its progress shows in the tasks drawer.";
    }

    /** Runs a change and comes back to the tab with a notice, or with the refusal in words. */
    private static String act(long id, RedirectAttributes redirect, Supplier<String> change) {
        try {
            redirect.addFlashAttribute("notice", change.get());
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/guests/" + id + "/backups";
    }
}
