package io.virtdeck.web;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The start page: the capacity dashboard for viewers (managers), the guest list for everyone else. */
@Controller
class HomeController {

    @GetMapping("/")
    String home(Authentication user) {
        boolean viewer = user != null && user.getAuthorities().stream()
                .anyMatch(a -> "ROLE_VIEWER".equals(a.getAuthority()));
        return viewer ? "redirect:/dashboard" : "redirect:/guests";
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }
}
