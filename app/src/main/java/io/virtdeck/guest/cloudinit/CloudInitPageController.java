package io.virtdeck.guest.cloudinit;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;

/** The guest's cloud-init page: its settings in a form, saved as a new seed while it is shut off. */
@Controller
class CloudInitPageController {

    private final CloudInitService cloudInit;

    CloudInitPageController(CloudInitService cloudInit) {
        this.cloudInit = cloudInit;
    }

    /** Only for those who may change the guest (the permission check answers 404 or 403). */
    @GetMapping("/guests/{id}/cloud-init")
    String page(@PathVariable long id, Model model) {
        Guest guest = cloudInit.editable(id);
        CloudInitForm form = cloudInit.settings(id).map(view -> CloudInitForm.of(view.settings()))
                .orElseGet(CloudInitForm::new);
        form.setEnabled(true);
        return show(guest, form, model);
    }

    @PostMapping("/guests/{id}/cloud-init")
    String save(@PathVariable long id, @ModelAttribute("form") CloudInitForm form, Model model,
                HttpServletResponse response, RedirectAttributes redirect) {
        Guest guest = cloudInit.editable(id);
        form.setEnabled(true);
        try {
            CloudInitView saved = cloudInit.update(id, form.toRequest(true));
            redirect.addFlashAttribute("notice", "New cloud-init settings for " + guest.name() + ": seed "
                    + saved.seed() + " written. The guest applies them when it next starts.");
            return "redirect:/guests/" + id;
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("problem", e.getMessage());
            model.addAttribute("problemField", CloudInitForm.formField(e.field(), ""));
            return show(guest, form, model);
        }
    }

    private String show(Guest guest, CloudInitForm form, Model model) {
        model.addAttribute("guest", guest);
        model.addAttribute("form", form);
        model.addAttribute("seed", cloudInit.settings(guest.id()).orElse(null));
        return "guest/cloud-init";
    }
}
