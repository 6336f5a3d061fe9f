package io.virtdeck.security;

import java.time.Instant;
import java.util.Set;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.Role;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.web.Flash;

/** "My account": one's own password and API tokens. */
@Controller
class AccountPageController {

    private final AccountService account;
    private final ApiTokenService tokens;

    AccountPageController(AccountService account, ApiTokenService tokens) {
        this.account = account;
        this.tokens = tokens;
    }

    @GetMapping("/account")
    String account(Model model) {
        model.addAttribute("me", account.me());
        model.addAttribute("tokens", tokens.mine());
        model.addAttribute("now", Instant.now());
        model.addAttribute("tokenRoles", CurrentUser.role().map(Role::included).orElse(Set.of()));
        model.addAttribute("actingRole", CurrentUser.role().orElse(null));
        return "security/account";
    }

    @PostMapping("/account/password")
    String password(@RequestParam(required = false) String currentPassword,
                    @RequestParam(required = false) String newPassword, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/account", () -> {
            account.changePassword(currentPassword, newPassword);
            return "Your password is changed.";
        });
    }

    /** The new secret goes to the next page once (a flash attribute) and is never shown again. */
    @PostMapping("/account/tokens")
    String createToken(@RequestParam(required = false) String name, @RequestParam(required = false) String role,
                       @RequestParam(required = false) Integer expiresInDays, RedirectAttributes redirect) {
        try {
            ApiToken.Created created = tokens.create(new ApiTokenService.NewToken(name, role, null, expiresInDays));
            redirect.addFlashAttribute("newToken", created);
            redirect.addFlashAttribute("notice", "Token " + created.name() + " created. Copy it now: it is not "
                    + "shown again.");
        } catch (VirtdeckException e) {
            redirect.addFlashAttribute("problem", e.getMessage());
        }
        return "redirect:/account";
    }

    @PostMapping("/account/tokens/{id}/revoke")
    String revokeToken(@PathVariable long id, RedirectAttributes redirect) {
        return Flash.redirect(redirect, "/account", () -> {
            tokens.revoke(id);
            return "Token revoked: scripts using it now get 401.";
        });
    }
}
