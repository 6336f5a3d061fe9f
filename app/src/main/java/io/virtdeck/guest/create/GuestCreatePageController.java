package io.virtdeck.guest.create;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import io.virtdeck.guest.cloudinit.CloudInitForm;
import io.virtdeck.guest.cpu.CpuForm;
import io.virtdeck.inventory.Guest;

/**
 * The create wizard of a host: one form in fieldsets, a review of what will be made, then the create. A refusal comes
 * back on the form as filled in, with the message next to the field at fault.
 */
@Controller
public class GuestCreatePageController {

    private static final Pattern DISK_FIELD = Pattern.compile("disks\\[(\\d+)].*");
    /** The request's fields as the form's controls are named. */
    private static final Map<String, String> FORM_FIELDS = Map.of("bootOrder", "boot", "graphics", "vnc");
    /** The service's messages name the request's fields; on the page they read as the form's labels. */
    private static final Map<String, String> FIELD_LABELS = Map.of("vcpus", "vCPUs", "memoryMiB", "Memory (MiB)",
            "name", "Name", "bootOrder", "The boot order", "firmware", "Firmware");

    private final GuestCreateService creation;

    GuestCreatePageController(GuestCreateService creation) {
        this.creation = creation;
    }

    /** The form only for those who may operate on the object (the permission check answers 404 or 403). */
    @GetMapping("/hosts/{id}/guests/new")
    public String form(@PathVariable long id, Model model) {
        GuestCreateOptions options = creation.options(id);
        return showForm(options, GuestForm.defaults(options), model);
    }

    /** {@code step}: review (check, show what will be made), create, or edit (back to the form). */
    @PostMapping("/hosts/{id}/guests/new")
    String submit(@PathVariable long id, @ModelAttribute("form") GuestForm form,
                  @RequestParam(defaultValue = "review") String step, Model model, HttpServletResponse response,
                  RedirectAttributes redirect) {
        GuestCreateOptions options = creation.options(id);
        if (step.equals("edit")) {
            return showForm(options, form, model);
        }
        try {
            if (step.equals("create")) {
                Guest guest = creation.create(id, form.toRequest());
                redirect.addFlashAttribute("notice", "Guest " + guest.name() + " was created on host "
                        + guest.hostName() + ". It is shut off: start it when you are ready.");
                return "redirect:/guests/" + guest.id();
            }
            model.addAttribute("plan", creation.plan(id, form.toRequest()));
            model.addAttribute("options", options);
            return "guest/create-review";
        } catch (VirtdeckException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            response.setStatus(e.status().value());
            if (e.field() == null) {
                model.addAttribute("problem", e.getMessage());
            } else {
                model.addAttribute("problem", "The guest was not created: correct the field marked below.");
                model.addAttribute("errorField", formField(e.field(), form));
                model.addAttribute("errorMessage", inPageWords(e));
            }
            return showForm(options, form, model);
        }
    }

    private static String showForm(GuestCreateOptions options, GuestForm form, Model model) {
        model.addAttribute("options", options);
        model.addAttribute("form", form);
        return "guest/create";
    }

    private static String inPageWords(VirtdeckException e) {
        String label = FIELD_LABELS.get(e.field());
        return label != null && e.getMessage().startsWith(e.field() + " ")
                ? label + e.getMessage().substring(e.field().length()) : e.getMessage();
    }

    /** disks[1].pool of the request is the disk row it came from (empty rows are skipped); bootOrder is boot. */
    private static String formField(String field, GuestForm form) {
        Matcher disk = DISK_FIELD.matcher(field);
        if (disk.matches()) {
            return "disks[" + form.rowOfDisk(Integer.parseInt(disk.group(1))) + "]";
        }
        if (field.startsWith("cpu.")) {
            return CpuForm.formField(field);
        }
        if (field.startsWith("cloudInit.")) {
            return CloudInitForm.formField(field, "cloudInit.");
        }
        return FORM_FIELDS.getOrDefault(field, field);
    }
}
