package io.virtdeck.audit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.web.Page;

@RestController
@RequestMapping("/api/v1/audit")
class AuditApiController {

    private final AuditQuery audit;

    AuditApiController(AuditQuery audit) {
        this.audit = audit;
    }

    @GetMapping
    Page<AuditEntry> list(@RequestParam(required = false) String user,
                          @RequestParam(required = false) String object,
                          @RequestParam(required = false) Integer page,
                          @RequestParam(required = false) Integer size) {
        return audit.find(user, object, Page.checkedPage(page), Page.checkedSize(size, 50));
    }
}
