package io.virtdeck.audit;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.Csv;
import io.virtdeck.core.Page;

/** The audit trail over REST: read and export only; nothing changes or removes an entry. */
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
                          @RequestParam(required = false) String action,
                          @RequestParam(required = false) String outcome,
                          @RequestParam(required = false) String from,
                          @RequestParam(required = false) String to,
                          @RequestParam(required = false) Integer page,
                          @RequestParam(required = false) Integer size) {
        return audit.find(AuditFilter.parse(user, object, action, outcome, from, to), Page.checkedPage(page),
                Page.checkedSize(size, 50));
    }

    /** Every entry the same filters keep, as a CSV file. */
    @GetMapping("/export")
    void export(@RequestParam(required = false) String user,
                @RequestParam(required = false) String object,
                @RequestParam(required = false) String action,
                @RequestParam(required = false) String outcome,
                @RequestParam(required = false) String from,
                @RequestParam(required = false) String to,
                HttpServletResponse response) {
        writeCsv(audit, AuditFilter.parse(user, object, action, outcome, from, to), response);
    }

    /** Sends the filtered trail as a CSV download (shared with the page's export link). */
    static void writeCsv(AuditQuery audit, AuditFilter filter, HttpServletResponse response) {
        audit.exportCsv(filter, () -> Csv.download(response, "virtdeck-audit.csv"));
    }
}
