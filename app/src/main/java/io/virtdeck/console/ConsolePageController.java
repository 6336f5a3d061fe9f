package io.virtdeck.console;

import java.util.Map;

import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * The console page (opened in its own tab by a plain link) and what its script asks for: fresh tickets bound to this
 * browser session, and the guest's power state. ADMIN's page of open console sessions.
 */
@Controller
class ConsolePageController {

    private final ConsoleTicketService tickets;
    private final ConsoleService consoles;
    private final GuestQuery guests;
    private final Permissions permissions;

    ConsolePageController(ConsoleTicketService tickets, ConsoleService consoles, GuestQuery guests,
                          Permissions permissions) {
        this.permissions = permissions;
        this.tickets = tickets;
        this.consoles = consoles;
        this.guests = guests;
    }

    /** The page carries its first ticket, so the screen connects without another round trip. */
    @GetMapping("/guests/{id}/console")
    String console(@PathVariable long id, HttpSession session, Model model) {
        Guest guest = guests.get(id);
        if (guest.graphics().stream().noneMatch(g -> "vnc".equals(g.type()))) {
            return "redirect:/guests/" + id + "/serial-console"; // no display: its console is the serial one
        }
        model.addAttribute("guest", guest);
        try {
            model.addAttribute("ticket", tickets.issue(id, session.getId()));
        } catch (VirtdeckException e) {
            model.addAttribute("consoleProblem", e.getMessage());
        }
        return "console/console";
    }

    @PostMapping("/guests/{id}/console/ticket")
    @ResponseBody
    ResponseEntity<?> ticket(@PathVariable long id, HttpSession session) {
        try {
            return ResponseEntity.ok(tickets.issue(id, session.getId()));
        } catch (VirtdeckException e) {
            return ResponseEntity.status(e.status()).body(Map.of("message", e.getMessage()));
        } catch (AccessDeniedException e) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN)
                    .body(Map.of("message", "Your role does not allow opening consoles."));
        }
    }

    /**
     * The serial console page: a terminal on the guest's first serial port. Carries its first ticket; whoever may
     * operate the guest (ADMIN, OPERATOR) is offered to take the console over when someone else holds it.
     */
    @GetMapping("/guests/{id}/serial-console")
    String serialConsole(@PathVariable long id, HttpSession session, Model model) {
        Guest guest = guests.get(id);
        model.addAttribute("guest", guest);
        model.addAttribute("mayForce", permissions.allows(Action.OPERATE, ObjectRef.guest(id)));
        try {
            model.addAttribute("ticket", tickets.issueSerial(id, session.getId(), false));
        } catch (VirtdeckException e) {
            model.addAttribute("consoleProblem", e.getMessage());
        }
        return "console/serial";
    }

    /** A fresh serial console ticket for the page; {@code force} (ADMIN, OPERATOR) takes the console over. */
    @PostMapping("/guests/{id}/serial-console/ticket")
    @ResponseBody
    ResponseEntity<?> serialTicket(@PathVariable long id,
                                   @RequestParam(defaultValue = "false")
                                   boolean force, HttpSession session) {
        try {
            return ResponseEntity.ok(tickets.issueSerial(id, session.getId(), force));
        } catch (VirtdeckException e) {
            return ResponseEntity.status(e.status()).body(Map.of("message", e.getMessage()));
        } catch (AccessDeniedException e) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("message", force
                    ? "Your role does not allow taking over a console someone else holds."
                    : "Your role does not allow opening consoles."));
        }
    }

    /** The toolbar's power state and host, refreshed while the console is open. */
    @GetMapping("/guests/{id}/console/status")
    @ResponseBody
    Map<String, Object> status(@PathVariable long id) {
        Guest guest = guests.get(id);
        return Map.of("state", guest.state().name(), "hostName", guest.hostName());
    }

    @GetMapping("/console/sessions")
    String sessions(Model model) {
        model.addAttribute("sessions", consoles.sessions());
        return "console/sessions";
    }

    @PostMapping("/console/sessions/{sessionId}/close")
    String close(@PathVariable String sessionId, RedirectAttributes redirect) {
        consoles.close(sessionId);
        redirect.addFlashAttribute("notice", "Console session " + sessionId + " closed.");
        return "redirect:/console/sessions";
    }
}
