package io.virtdeck.security;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.Role;
import io.virtdeck.web.Flash;

/** ADMIN's pages for users: the list with a create form, and one user's role, state and password. */
@Controller
class UserPageController {

    private final UserAdminService admin;

    UserPageController(UserAdminService admin) {
        this.admin = admin;
    }

    @GetMapping("/admin/users")
    String users(Model model) {
        model.addAttribute("users", admin.users());
        model.addAttribute("roles", List.of(Role.values()));
        return "security/users";
    }

    @PostMapping("/admin/users")
    String create(@RequestParam(required = false) String username, @RequestParam(required = false) String password,
                  @RequestParam(required = false) String role, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/admin/users", () -> {
            UserAccount.View user = admin.create(new UserAdminService.NewUser(username, password, role));
            return "User " + user.username() + " created as " + user.role() + ".";
        });
    }

    @GetMapping("/admin/users/{id}")
    String user(@PathVariable long id, Model model) {
        model.addAttribute("user", admin.user(id));
        model.addAttribute("roles", List.of(Role.values()));
        return "security/user";
    }

    @PostMapping("/admin/users/{id}/role")
    String role(@PathVariable long id, @RequestParam(required = false) String role, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/admin/users/" + id, () -> {
            UserAccount.View user = admin.update(id, new UserAdminService.UserChange(null, role));
            return user.username() + " is now " + user.role() + ".";
        });
    }

    @PostMapping("/admin/users/{id}/enabled")
    String enabled(@PathVariable long id, @RequestParam boolean enabled, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/admin/users/" + id, () -> {
            UserAccount.View user = admin.update(id, new UserAdminService.UserChange(enabled, null));
            return user.username() + (enabled ? " can log in again." : " is disabled: their sessions and tokens "
                    + "no longer work.");
        });
    }

    @PostMapping("/admin/users/{id}/password")
    String password(@PathVariable long id, @RequestParam(required = false) String password,
                    RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/admin/users/" + id, () -> {
            admin.resetPassword(id, password);
            return "Password reset. Tell the user the new one by a safe way.";
        });
    }
}
