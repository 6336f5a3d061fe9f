package io.virtdeck.storage;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.create.GuestCreateService;
import io.virtdeck.inventory.HostService;
import io.virtdeck.web.Flash;

/** A host's Import page: stage an image, see its facts, then import it into a pool (or discard it). */
@Controller
class ImageImportPageController {

    private final ImageImportService imports;
    private final HostService hosts;
    private final GuestCreateService guests;

    ImageImportPageController(ImageImportService imports, HostService hosts, GuestCreateService guests) {
        this.imports = imports;
        this.hosts = hosts;
        this.guests = guests;
    }

    @GetMapping("/hosts/{id}/import")
    String page(@PathVariable long id, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("staged", imports.list(id));
        return "storage/import";
    }

    /** The staged image's facts, and the import form (pools and networks as the create page offers them). */
    @GetMapping("/hosts/{id}/import/{stage}")
    String facts(@PathVariable long id, @PathVariable String stage, Model model) {
        model.addAttribute("host", hosts.get(id));
        model.addAttribute("image", imports.get(id, stage));
        model.addAttribute("options", guests.options(id));
        return "storage/import-facts";
    }

    @PostMapping("/hosts/{id}/import/{stage}")
    String importImage(@PathVariable long id, @PathVariable String stage, @RequestParam String pool,
                       @RequestParam(required = false) String name, @RequestParam(required = false) String network,
                       RedirectAttributes redirect) {
        try {
            long task = imports.importImage(id, stage, new ImageImportService.ImportRequest(pool, name, network)).id();
            redirect.addFlashAttribute("notice", "Importing as task " + task + ": its progress shows here.");
            return "redirect:/tasks";
        } catch (VirtdeckException e) {
            if (e.status().value() == 404) {
                throw e;
            }
            // back to the facts and the form, with what to change
            redirect.addFlashAttribute("problem", e.getMessage());
            return "redirect:/hosts/" + id + "/import/" + stage;
        }
    }

    @PostMapping("/hosts/{id}/import/{stage}/discard")
    String discard(@PathVariable long id, @PathVariable String stage, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/hosts/" + id + "/import", () -> {
            imports.discard(id, stage);
            return "The staged image was discarded.";
        });
    }
}
