package io.virtdeck.alerts.targets;

import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.web.RefusedForm;

/**
 * The Alert targets page: administrators make, change, test and delete targets; operators and viewers read the list
 * with each target's last delivery. Everything goes through {@link AlertTargetService} (permissions, checks, audit).
 */
@Controller
class AlertTargetsPageController {

    private final AlertTargetService targets;

    AlertTargetsPageController(AlertTargetService targets) {
        this.targets = targets;
    }

    @GetMapping("/alerts/targets")
    String list(Model model) {
        model.addAttribute("targets", targets.list());
        model.addAttribute("mayChange", targets.mayChange());
        return "alerts/targets/list";
    }

    /**
     * The form's fields; {@code to} one address a line (or separated by commas). Blank {@code password} and
     * {@code key} keep the stored secrets.
     */
    record TargetForm(String name, String kind, String host, Integer port, String security, String username,
                      String password, String from, String to, String caCertificate, String url, String key) {

        static TargetForm empty(String kind) {
            return new TargetForm("", kind, "", null, "STARTTLS", "", "", "", "", "", "", "");
        }

        static TargetForm of(AlertTargetView target) {
            return new TargetForm(target.name(), target.kind(), target.host(), target.port(), target.security(),
                    target.username(), "", target.from(), target.to() == null ? "" : String.join("\n", target.to()),
                    target.caCertificate(), target.url(), "");
        }

        AlertTargetRequest toRequest() {
            List<String> addresses = to == null ? List.of() : Arrays.stream(to.split("[,;\\r\\n]+"))
                    .filter(a -> !a.isBlank()).toList();
            return new AlertTargetRequest(name, kind, host, port, security, username, password, from, addresses,
                    caCertificate, url, key);
        }

        public boolean mail() {
            return "MAIL".equalsIgnoreCase(kind);
        }
    }

    @GetMapping("/alerts/targets/new")
    String newTarget(@RequestParam(defaultValue = "MAIL") String kind, Model model) {
        requireChange();
        return form(TargetForm.empty("WEBHOOK".equalsIgnoreCase(kind) ? "WEBHOOK" : "MAIL"), null, model);
    }

    @PostMapping("/alerts/targets")
    String create(@ModelAttribute TargetForm form, Model model, HttpServletResponse response,
                  RedirectAttributes redirect) {
        try {
            AlertTargetView target = targets.create(form.toRequest());
            redirect.addFlashAttribute("notice", "Target '" + target.name() + "' was made. Send it a test from its"
                    + " form.");
            return "redirect:/alerts/targets/" + target.id() + "/edit";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The target was not made", model, response);
            return form(form, null, model);
        }
    }

    @GetMapping("/alerts/targets/{id}/edit")
    String edit(@PathVariable long id, Model model) {
        requireChange();
        AlertTargetView target = targets.get(id);
        return form(TargetForm.of(target), target, model);
    }

    @PostMapping("/alerts/targets/{id}")
    String update(@PathVariable long id, @ModelAttribute TargetForm form, Model model, HttpServletResponse response,
                  RedirectAttributes redirect) {
        try {
            AlertTargetView target = targets.update(id, form.toRequest());
            redirect.addFlashAttribute("notice", "Target '" + target.name() + "' was saved.");
            return "redirect:/alerts/targets";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The target was not changed", model, response);
            return form(form, targets.get(id), model);
        }
    }

    /** Sends a test message: with htmx the answer replaces the form's answer box; without, the page again with it. */
    @PostMapping("/alerts/targets/{id}/test")
    String test(@PathVariable long id, @RequestHeader(name = "HX-Request", required = false) String htmx,
                Model model, RedirectAttributes redirect) {
        AlertTargetService.TestAnswer answer = targets.test(id);
        if (htmx != null) {
            model.addAttribute("answer", answer);
            return "alerts/targets/form :: test-answer";
        }
        redirect.addFlashAttribute(answer.sent() ? "notice" : "problem", answer.answer());
        return "redirect:/alerts/targets/" + id + "/edit";
    }

    @GetMapping("/alerts/targets/{id}/delete")
    String confirmDelete(@PathVariable long id, Model model) {
        requireChange();
        model.addAttribute("target", targets.get(id));
        return "alerts/targets/delete";
    }

    @PostMapping("/alerts/targets/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        String name = targets.get(id).name();
        targets.delete(id);
        redirect.addFlashAttribute("notice", "Target '" + name + "' was deleted; alerts are no longer sent to it.");
        return "redirect:/alerts/targets";
    }

    /** The forms are for those who may change targets: others get the 403 the service gives them. */
    private void requireChange() {
        if (!targets.mayChange()) {
            throw new AccessDeniedException("alert targets: administrators only");
        }
    }

    /** @param existing the target being changed; null for a new one */
    private static String form(TargetForm form, AlertTargetView existing, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("existing", existing);
        model.addAttribute("securities", List.of("STARTTLS", "TLS", "NONE"));
        return "alerts/targets/form";
    }
}
