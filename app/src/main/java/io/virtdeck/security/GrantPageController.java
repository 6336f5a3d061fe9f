package io.virtdeck.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.Role;
import io.virtdeck.web.Flash;

/** ADMIN's page of grants and groups: the same service as the REST API, forms posting back to it. */
@Controller
class GrantPageController {

    private static final String PAGE = "/grants";

    private final GrantService grants;

    GrantPageController(GrantService grants) {
        this.grants = grants;
    }

    @GetMapping(PAGE)
    String page(Model model) {
        model.addAttribute("grants", grants.list());
        model.addAttribute("groups", grants.groups());
        model.addAttribute("roles", Role.values());
        return "security/grants";
    }

    /** {@code subject}: "user" or "group", {@code name} the user's or group's name. */
    @PostMapping(PAGE)
    String add(@RequestParam String subject, @RequestParam String name, @RequestParam String path,
               @RequestParam String role, RedirectAttributes redirect) {
        boolean toGroup = "group".equals(subject);
        return Flash.redirect(redirect, PAGE, () -> {
            Grant grant = grants.add(new Grant.Request(toGroup ? null : name, toGroup ? name : null, path, role));
            return grant.role() + " on " + grant.path() + " granted to " + grant.subjectType() + " "
                    + grant.subject() + ".";
        });
    }

    @PostMapping(PAGE + "/{id}/remove")
    String remove(@PathVariable long id, RedirectAttributes redirect) {
        return Flash.redirect(redirect, PAGE, () -> {
            grants.remove(id);
            return "Grant " + id + " removed.";
        });
    }

    @PostMapping(PAGE + "/groups")
    String createGroup(@RequestParam String name, RedirectAttributes redirect) {
        return Flash.redirect(redirect, PAGE, () -> "Group " + grants.createGroup(name).name() + " created.");
    }

    @PostMapping(PAGE + "/groups/{id}/delete")
    String deleteGroup(@PathVariable long id, RedirectAttributes redirect) {
        return Flash.redirect(redirect, PAGE, () -> {
            grants.deleteGroup(id);
            return "Group deleted, with its grants.";
        });
    }

    @PostMapping(PAGE + "/groups/{id}/members")
    String addMember(@PathVariable long id, @RequestParam String username, RedirectAttributes redirect) {
        return Flash.redirect(redirect, PAGE, () -> username + " added to " + grants.addMember(id, username).name()
                + ".");
    }

    @PostMapping(PAGE + "/groups/{id}/members/{username}/remove")
    String removeMember(@PathVariable long id, @PathVariable String username, RedirectAttributes redirect) {
        return Flash.redirect(redirect, PAGE, () -> username + " removed from "
                + grants.removeMember(id, username).name() + ".");
    }
}
