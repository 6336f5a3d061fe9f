package io.virtdeck.security;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.web.Flash;

/** "My account": one's own password (and API tokens). */
@Controller
class AccountPageController {

    private final AccountService account;

    AccountPageController(AccountService account) {
        this.account = account;
    }

    @GetMapping("/account")
    String account(Model model) {
        model.addAttribute("me", account.me());
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
}
