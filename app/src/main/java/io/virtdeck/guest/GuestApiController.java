package io.virtdeck.guest;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import io.virtdeck.core.Page;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.GuestDetail;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestKind;
import io.virtdeck.inventory.GuestPage;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.GuestSort;

@RestController
@RequestMapping("/api/v1/guests")
class GuestApiController {

    private final GuestQuery guests;

    GuestApiController(GuestQuery guests) {
        this.guests = guests;
    }

    /** OpenAPI's list, plus {@code after} (keyset paging from a previous page's {@code next}; not with page). */
    @GetMapping
    GuestPage list(@RequestParam(required = false) Long host,
                   @RequestParam(required = false) DomainRunState state,
                   @RequestParam(required = false) String q,
                   @RequestParam(name = "tag", required = false) List<String> tags,
                   @RequestParam(required = false) GuestKind kind,
                   @RequestParam(required = false) Integer page,
                   @RequestParam(required = false) Integer size,
                   @RequestParam(required = false) String sort,
                   @RequestParam(required = false) String after) {
        if (after != null && page != null) {
            throw VirtdeckException.invalid("after", "after and page cannot be used together: after already says"
                    + " where the page starts.");
        }
        return guests.find(new GuestFilter(host, state, q, tags, kind), GuestSort.parse(sort), after, Page.checkedPage(page),
                Page.checkedSize(size, 50));
    }

    @GetMapping("/{id}")
    GuestDetail get(@PathVariable long id) {
        return guests.detail(id);
    }
}
