package io.virtdeck.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The start page: the guest list, the page every role opens most (the capacity dashboard arrives with metrics). */
@Controller
class HomeController {

    @GetMapping("/")
    String home() {
        return "redirect:/guests";
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }
}
