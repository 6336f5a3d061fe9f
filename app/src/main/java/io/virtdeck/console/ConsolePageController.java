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
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestQuery;

/**
 * The console page (opened in its own tab by a plain link) and what its script asks for: fresh tickets bound to this
 * browser session, and the guest's power state. ADMIN's page of open console sessions.
 */
@Controller
class ConsolePageController {

    private final ConsoleTicketService tickets;
    private final ConsoleService consoles;
    private final GuestQuery guests;

    ConsolePageController(ConsoleTicketService tickets, ConsoleService consoles, GuestQuery guests) {
        this.tickets = tickets;
        this.consoles = consoles;
        this.guests = guests;
    }

    /** The page carries its first ticket, so the screen connects without another round trip. */
    @GetMapping("/guests/{id}/console")
    String console(@PathVariable long id, HttpSession session, Model model) {
        Guest guest = guests.get(id);
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
