package io.virtdeck.audit;

import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.core.Page;
import io.virtdeck.core.VirtdeckException;

@Controller
class AuditPageController {

    private final AuditQuery audit;

    AuditPageController(AuditQuery audit) {
        this.audit = audit;
    }

    /** The filter form's fields, as typed (kept on the page when one is wrong). */
    record AuditForm(String user, String object, String action, String outcome, String from, String to) {

        AuditFilter filter() {
            return AuditFilter.parse(user, object, action, outcome, from, to);
        }
    }

    @GetMapping("/audit")
    String audit(@ModelAttribute("form") AuditForm form, @RequestParam(required = false) Integer page, Model model,
                 HttpServletResponse response) {
        model.addAttribute("outcomes", Outcome.values());
        model.addAttribute("families", AuditAction.Family.values());
        model.addAttribute("knownAction", form.action() == null || form.action().isBlank()
                || Arrays.stream(AuditAction.Family.values()).flatMap(f -> f.filterChoices().stream())
                .anyMatch(c -> c.value().equals(form.action())));
        try {
            model.addAttribute("entries", audit.find(form.filter(), Page.checkedPage(page), 50));
        } catch (VirtdeckException e) { // a wrong filter lists nothing rather than everything
            response.setStatus(e.status().value());
            model.addAttribute("problem", e.getMessage());
            model.addAttribute("errorField", e.field());
            model.addAttribute("entries", new Page<AuditEntry>(List.of(), 0, 0, 50));
        }
        return "audit/list";
    }

    @GetMapping("/audit/export")
    void export(@ModelAttribute AuditForm form, HttpServletResponse response) {
        AuditApiController.writeCsv(audit, form.filter(), response);
    }
}
