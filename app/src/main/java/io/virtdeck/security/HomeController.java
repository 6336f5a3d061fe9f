package io.virtdeck.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The start page: the capacity dashboard for viewers (managers), the guest list for everyone else. */
@Controller
class HomeController {

    @GetMapping("/")
    String home(Authentication user) {
        boolean viewer = user != null && user.getAuthorities().stream()
                .anyMatch(a -> "ROLE_VIEWER".equals(a.getAuthority()));
        return viewer ? "redirect:/dashboard" : "redirect:/guests";
    }

    /** After a failed login: a lockout says when to try again, anything else is the same "wrong" for all. */
    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, HttpServletRequest request, Model model) {
        if (error != null) {
            HttpSession session = request.getSession(false);
            Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            model.addAttribute("loginProblem", failure instanceof LoginThrottledException throttled
                    ? throttled.advice() : "Wrong user name or password.");
        }
        return "security/login";
    }
}
