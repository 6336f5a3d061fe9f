package io.virtdeck.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Browsers ask for /favicon.ico on their own (pages name the SVG icon, but not every browser reads that): answered
 * with the same icon rather than a 404 and a warning in the log on every first visit.
 */
@Controller
class FaviconController {

    @GetMapping("/favicon.ico")
    String icon() {
        return "forward:/assets/favicon.svg";
    }
}
