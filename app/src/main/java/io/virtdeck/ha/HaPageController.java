package io.virtdeck.ha;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.migration.AntiAffinityGroups;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * The high availability page of the fleet, and the card of a guest's page, loaded into it (the guest pages know nothing
 * of HA): whether the guest is HA, its priority, its latest restart, and for those who may operate it the switch.
 */
@Controller
class HaPageController {

    private final HaService ha;
    private final AntiAffinityGroups antiAffinity;
    private final Permissions permissions;

    HaPageController(HaService ha, AntiAffinityGroups antiAffinity, Permissions permissions) {
        this.antiAffinity = antiAffinity;
        this.ha = ha;
        this.permissions = permissions;
    }

    /** The fleet's HA guests, its anti-affinity groups and the latest restarts. */
    @GetMapping("/ha")
    String overview(Model model) {
        model.addAttribute("overview", ha.overview());
        model.addAttribute("groups", permissions.allows(Action.READ_HOST, ObjectRef.root()) ? antiAffinity.list()
                : java.util.List.of());
        return "ha/list";
    }

    @GetMapping("/guests/{id}/ha")
    String card(@PathVariable long id, Model model) {
        return card(id, model, null, null);
    }

    @PostMapping("/guests/{id}/ha")
    String set(@PathVariable long id, @RequestParam boolean enabled,
               @RequestParam(required = false) Integer priority, Model model) {
        try {
            HaService.HaSettings set = ha.set(id, new HaService.HaRequest(enabled, priority));
            return card(id, model, set.enabled() ? "High availability is on, restart priority " + set.priority() + "."
                    : "High availability is off.", null);
        } catch (VirtdeckException e) {
            return card(id, model, null, e.getMessage());
        }
    }

    private String card(long id, Model model, String notice, String problem) {
        model.addAttribute("guestId", id);
        model.addAttribute("ha", ha.settings(id));
        model.addAttribute("mayOperate", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        model.addAttribute("notice", notice);
        model.addAttribute("problem", problem);
        return "ha/card :: card";
    }
}
