package io.virtdeck.guest;

import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.Page;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestFilter;
import io.virtdeck.inventory.GuestKind;
import io.virtdeck.inventory.GuestPage;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.inventory.GuestSort;
import io.virtdeck.inventory.HostService;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/** The guest list (filters and sort in the URL, so they can be shared and survive the back button) and detail. */
@Controller
class GuestPageController {

    private static final int PAGE_SIZE = 25;

    private final GuestQuery guests;
    private final HostService hostService;
    private final Permissions permissions;
    private final DomainGateway gateway;

    GuestPageController(GuestQuery guests, HostService hostService, DomainGateway gateway,
                        Permissions permissions) {
        this.guests = guests;
        this.permissions = permissions;
        this.hostService = hostService;
        this.gateway = gateway;
    }

    /**
     * {@code hostName} comes from the host filter's name field, shown in place of the list of hosts when there are
     * many (HostService#hostFilter); the page's own links carry the host's id.
     */
    @GetMapping("/guests")
    String list(@RequestParam(required = false) Long host,
                @RequestParam(required = false) String hostName,
                @RequestParam(required = false) DomainRunState state,
                @RequestParam(required = false) String q,
                @RequestParam(name = "tag", required = false) List<String> tags,
                @RequestParam(required = false) GuestKind kind,
                @RequestParam(required = false) Integer page,
                @RequestParam(required = false) String sort,
                Model model) {
        GuestSort order = GuestSort.parse(sort);
        if (host == null && hostName != null && !hostName.isBlank()) {
            // a name no visible host has lists nothing, as an unseen host's id does
            host = hostService.visibleHostNamed(hostName.strip()).orElse(0L);
            model.addAttribute("unknownHostName", host == 0 ? hostName.strip() : null);
        }
        GuestFilter filter = new GuestFilter(host, state, q, tags, kind);
        GuestPage found = guests.find(filter, order, null, Page.checkedPage(page), PAGE_SIZE);
        model.addAttribute("guests", found.page());
        model.addAttribute("totalExact", found.totalExact());
        model.addAttribute("filter", new GuestListLinks(host, state, q, filter.tags(), kind, order));
        model.addAttribute("hostFilter", hostService.hostFilter(host));
        model.addAttribute("states", Arrays.asList(DomainRunState.values()));
        model.addAttribute("rights", new GuestListRights(permissions.rights()));
        return "guest/list";
    }

    /** One row of the list, fetched by the page when a live event says the guest changed. */
    @GetMapping("/guests/{id}/row")
    String row(@PathVariable long id, Model model) {
        model.addAttribute("guest", guests.summary(id));
        model.addAttribute("rights", new GuestListRights(permissions.rights()));
        return "guest/fragments :: row";
    }

    @GetMapping("/guests/{id}")
    String detail(@PathVariable long id, Model model) {
        Guest guest = guests.get(id);
        model.addAttribute("guest", guest);
        addWhatTheyMayDo(id, model);
        return "guest/detail";
    }

    /**
     * The guest agent card of the detail page, loaded after the page (a silent agent is waited for a few seconds at
     * most, and never by the page itself).
     */
    @GetMapping("/guests/{id}/agent")
    String agentCard(@PathVariable long id, Model model) {
        model.addAttribute("guestId", id);
        model.addAttribute("agent", guests.agent(id).orElse(null));
        model.addAttribute("mayOperate", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        return "guest/agent :: card";
    }

    /** The header of the detail page (name, state, actions), fetched again when a live event says it changed. */
    @GetMapping("/guests/{id}/header")
    String header(@PathVariable long id, Model model) {
        model.addAttribute("guest", guests.get(id));
        addWhatTheyMayDo(id, model);
        return "guest/detail :: header";
    }

    /** The buttons the page shows: by the roles held on this guest, grants on it or its host included. */
    private void addWhatTheyMayDo(long id, Model model) {
        model.addAttribute("mayOperate", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        model.addAttribute("mayConsole", permissions.allows(Action.CONSOLE, ObjectRef.guest(id)));
    }

    /** The guest's libvirt XML, read live, shown escaped and read-only. */
    @GetMapping("/guests/{id}/xml")
    String xml(@PathVariable long id, Model model) {
        Guest guest = guests.get(id);
        model.addAttribute("guest", guest);
        try {
            model.addAttribute("xml", gateway.domainXml(guest.hostId(), guest.uuid()));
        } catch (HypervisorException e) {
            model.addAttribute("xmlError", HypervisorErrors.message(e));
        }
        return "guest/xml";
    }
}
