package io.virtdeck.audit;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import io.virtdeck.web.Page;

@Controller
class AuditPageController {

    private final AuditQuery audit;

    AuditPageController(AuditQuery audit) {
        this.audit = audit;
    }

    @GetMapping("/audit")
    String audit(@RequestParam(required = false) String user,
                 @RequestParam(required = false) String object,
                 @RequestParam(required = false) Integer page,
                 Model model) {
        model.addAttribute("entries", audit.find(user, object, Page.checkedPage(page), 50));
        model.addAttribute("user", user);
        model.addAttribute("object", object);
        return "audit/list";
    }
}
