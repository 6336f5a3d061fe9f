package io.virtdeck.guest.clone;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.guest.cloudinit.CloudInitForm;
import io.virtdeck.guest.create.GuestCreateRequest;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;

/**
 * The clone page of a guest, which for a template is the "create a guest from this template" page, and the template
 * mark buttons of the guest page. Refusals come back on the same page with the name as typed; a started task comes
 * back as a notice on the source's page.
 */
@Controller
public class GuestClonePageController {

    private final GuestCloneService clones;
    private final GuestTemplateService templates;
    private final GuestQuery guests;

    private final Permissions permissions;

    GuestClonePageController(GuestCloneService clones, GuestTemplateService templates, GuestQuery guests,
                             Permissions permissions) {
        this.permissions = permissions;
        this.clones = clones;
        this.templates = templates;
        this.guests = guests;
    }

    /** The form only for those who may operate on the object (the permission check answers 404 or 403). */
    @GetMapping("/guests/{id}/clone")
    public String page(@PathVariable long id, Model model) {
        permissions.requireGuest(Action.OPERATE, id);
        Guest guest = guests.get(id);
        return show(guest, guest.template() ? "" : guest.name() + "-clone", defaultLinked(guest), new CloudInitForm(),
                model);
    }

    @PostMapping("/guests/{id}/clone")
    String clone(@PathVariable long id, @RequestParam(defaultValue = "") String name,
                 @RequestParam(required = false) Boolean linked, @ModelAttribute("cloudInit") CloudInitForm cloudInit,
                 Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Guest guest = guests.get(id);
        try {
            Task task = guest.template()
                    ? clones.createFromTemplate(guest.hostId(), new GuestCreateRequest(name.trim(), null, null, null,
                    null, null, Long.toString(id), null, null, null, null, linked, null, cloudInit.toRequest(false), null))
                    : clones.clone(id, new GuestCloneRequest(name.trim(), null));
            redirect.addFlashAttribute("notice", (guest.template()
                    ? "Creating '" + name.trim() + "' from template '" + guest.name() + "'"
                    : "Cloning '" + guest.name() + "' as '" + name.trim() + "'")
                    + ": started (task " + task.id() + "). Follow it in the tasks panel.");
            return "redirect:/guests/" + id;
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("problem", e.getMessage());
            // the form's cloud-init fields have no prefix of their own here
            String field = CloudInitForm.formField(e.field(), "cloudInit.");
            model.addAttribute("problemField", field == null ? null : field.replaceFirst("^cloudInit\\.", ""));
            model.addAttribute("problemMessage", e.getMessage());
            return show(guest, name, linked == null ? defaultLinked(guest) : linked, cloudInit, model);
        }
    }

    @PostMapping("/guests/{id}/template")
    String mark(@PathVariable long id, @RequestParam(defaultValue = "true") boolean template,
                RedirectAttributes redirect) {
        try {
            Guest guest = templates.mark(id, template);
            redirect.addFlashAttribute("notice", template
                    ? guest.name() + " is now a template: it is not started; create guests from it."
                    : guest.name() + " is no longer a template: it can be started again.");
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/guests/" + id;
    }

    private static String show(Guest guest, String name, boolean linked, CloudInitForm cloudInit, Model model) {
        model.addAttribute("guest", guest);
        model.addAttribute("cloudInit", cloudInit);
        model.addAttribute("name", name);
        model.addAttribute("linked", linked);
        if (guest.state() != DomainRunState.SHUTOFF) {
            model.addAttribute("notReady", "'" + guest.name() + "' is " + GuestActions.describe(guest.state())
                    + ": shut it down first, so that its disks do not change while they are copied.");
        }
        model.addAttribute("copied", guest.disks().stream().filter(d -> "disk".equals(d.device())).toList());
        model.addAttribute("shared", guest.disks().stream().filter(d -> !"disk".equals(d.device())).toList());
        return "guest/clone";
    }

    /** As the service decides it: linked where every disk of the template is qcow2. */
    private static boolean defaultLinked(Guest guest) {
        return guest.template() && guest.disks().stream().filter(d -> "disk".equals(d.device()))
                .allMatch(d -> "qcow2".equals(d.format()));
    }
}
