package io.virtdeck.alerts.firing;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;

/** The Alerts page: what fires now (each with an Acknowledge form) and the history of those resolved or closed. */
@Controller
class AlertsPageController {

    /** Firing alerts shown at once; more than this is a storm the count in the heading tells of. */
    private static final int FIRING_SHOWN = 200;

    private final AlertService alerts;

    AlertsPageController(AlertService alerts) {
        this.alerts = alerts;
    }

    @GetMapping("/alerts")
    String list(@RequestParam(required = false) Integer page, Model model) {
        model.addAttribute("firing", alerts.list("FIRING", 0, FIRING_SHOWN));
        model.addAttribute("history", alerts.list("RESOLVED", page, 50));
        return "alerts/list";
    }

    @PostMapping("/alerts/{id}/acknowledge")
    String acknowledge(@PathVariable long id, @RequestParam(required = false) String note,
                       RedirectAttributes redirect) {
        try {
            Alert alert = alerts.acknowledge(id, note);
            redirect.addFlashAttribute("notice", "Acknowledged: " + alert.text()
                    + (alert.event() ? " (closed)." : " (no more repeats; its resolved message still comes)."));
        } catch (VirtdeckException e) {
            if (e.status().value() == 404 || e.status().value() == 403) {
                throw e;
            }
            redirect.addFlashAttribute("problem", "Not acknowledged: " + e.getMessage());
        }
        return "redirect:/alerts";
    }
}
