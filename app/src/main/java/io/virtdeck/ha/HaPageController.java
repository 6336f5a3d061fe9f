package io.virtdeck.ha;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.GuestSort;
import io.virtdeck.migration.AntiAffinityGroups;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;
import io.virtdeck.web.Flash;

/**
 * The high availability page of the fleet, with the anti-affinity groups made and edited there, and the card of a
 * guest's page, loaded into it (the guest pages know nothing of HA): whether the guest is HA, its priority, its latest
 * restart, and for those who may operate it the switch.
 */
@Controller
class HaPageController {

    /** How many guests a search in the group form offers at once: a name narrows it further. */
    private static final int CHOICES = 20;

    private final HaService ha;
    private final AntiAffinityGroups antiAffinity;
    private final GuestQuery guests;
    private final Permissions permissions;

    HaPageController(HaService ha, AntiAffinityGroups antiAffinity, GuestQuery guests, Permissions permissions) {
        this.antiAffinity = antiAffinity;
        this.ha = ha;
        this.guests = guests;
        this.permissions = permissions;
    }

    /** A guest offered in the group form. */
    record Choice(long id, String name, String hostName) {
    }

    /**
     * The group form: the group's name (fixed when an existing group is edited), the guests chosen, and those a search
     * by name found besides ({@code q}).
     */
    record GroupForm(String name, boolean editing, String q, List<Choice> chosen, List<Choice> found) {
    }

    /** The fleet's HA guests, the hosts that do not answer, the latest restarts and the anti-affinity groups. */
    @GetMapping("/ha")
    String overview(@RequestParam(required = false) String edit, Model model) {
        List<AntiAffinityGroups.GroupView> groups = permissions.allows(Action.READ_HOST, ObjectRef.root())
                ? antiAffinity.list() : List.of();
        GroupForm form = groups.stream().filter(g -> g.name().equals(edit)).findFirst()
                .map(g -> new GroupForm(g.name(), true, null, chosen(g.guests().stream()
                        .map(AntiAffinityGroups.GroupView.Member::id).filter(Objects::nonNull).toList()), List.of()))
                .orElseGet(() -> new GroupForm("", false, null, List.of(), List.of()));
        return page(model, groups, form);
    }

    /** The form's guest choices again (htmx): those ticked, then up to twenty more whose names hold {@code q}. */
    @GetMapping("/ha/anti-affinity-groups/choices")
    String choices(@RequestParam(required = false) List<Long> guests, @RequestParam(defaultValue = "") String q,
                   Model model) {
        if (permissions.scope(Action.OPERATE, Action.OPERATE).nothing()) {
            throw new AccessDeniedException("not permitted: choose the guests of an anti-affinity group");
        }
        List<Choice> chosen = chosen(guests == null ? List.of() : guests);
        model.addAttribute("form", new GroupForm("", false, q, chosen, found(q, chosen)));
        return "ha/list :: choices";
    }

    /** Makes a group or replaces its guests; on a refusal the form comes back as it was, with the reason. */
    @PostMapping("/ha/anti-affinity-groups")
    String saveGroup(@RequestParam(defaultValue = "") String name,
                     @RequestParam(defaultValue = "false") boolean editing,
                     @RequestParam(required = false) List<Long> guests, Model model, RedirectAttributes redirect) {
        List<Long> ids = guests == null ? List.of() : guests;
        try {
            AntiAffinityGroups.GroupView saved = antiAffinity.set(name.strip(),
                    new AntiAffinityGroups.GroupRequest(ids));
            redirect.addFlashAttribute("notice", "Anti-affinity group " + saved.name() + " " + (editing ? "saved"
                    : "made") + ": " + String.join(", ", saved.guests().stream()
                    .map(AntiAffinityGroups.GroupView.Member::name).toList()) + " never run on one host together."
                    + togetherNow(saved));
            return "redirect:/ha#anti-affinity";
        } catch (VirtdeckException e) {
            model.addAttribute("groupProblem", e.getMessage()); // beside the form, where the operator is
            return page(model, antiAffinity.list(), new GroupForm(name, editing, null, chosen(ids), List.of()));
        }
    }

    /** What an operator must do by hand: a group keeps its guests apart from now on, it moves none of them. */
    private static String togetherNow(AntiAffinityGroups.GroupView group) {
        return group.together().isEmpty() ? "" : " Together now: " + String.join("; ", group.together())
                + ". Migrate one to keep them apart; Virtdeck does not move them by itself.";
    }

    @PostMapping("/ha/anti-affinity-groups/{name}/delete")
    String deleteGroup(@PathVariable String name, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/ha#anti-affinity", () -> {
            antiAffinity.delete(name);
            return "Anti-affinity group " + name + " deleted: its guests may now run on one host together.";
        });
    }

    private String page(Model model, List<AntiAffinityGroups.GroupView> groups, GroupForm form) {
        model.addAttribute("overview", ha.overview());
        model.addAttribute("groups", groups);
        model.addAttribute("mayEditGroups", !permissions.scope(Action.OPERATE, Action.OPERATE).nothing());
        model.addAttribute("form", form);
        return "ha/list";
    }

    /** The guests of these ids that the user sees, in that order. */
    private List<Choice> chosen(List<Long> ids) {
        List<Choice> chosen = new ArrayList<>();
        for (Long id : new LinkedHashSet<>(ids)) {
            if (id != null && permissions.allows(Action.READ_GUEST, ObjectRef.guest(id))) {
                Guest guest = guests.get(id);
                chosen.add(new Choice(guest.id(), guest.name(), guest.hostName()));
            }
        }
        return chosen;
    }

    /** Guests whose names hold {@code q} that the user may operate, those already chosen left out. */
    private List<Choice> found(String q, List<Choice> chosen) {
        if (q.isBlank()) {
            return List.of();
        }
        Set<Long> taken = chosen.stream().map(Choice::id).collect(Collectors.toSet());
        return guests.find(new GuestFilter(null, null, q.strip()), GuestSort.DEFAULT, 0, CHOICES + taken.size())
                .items().stream().filter(g -> !taken.contains(g.id()) && !g.template())
                .filter(g -> permissions.allows(Action.OPERATE, ObjectRef.guest(g.id())))
                .limit(CHOICES).map(g -> new Choice(g.id(), g.name(), g.hostName())).toList();
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
