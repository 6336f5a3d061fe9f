package io.virtdeck.console;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ConsoleApiController {

    private final ConsoleTicketService tickets;
    private final ConsoleService consoles;

    ConsoleApiController(ConsoleTicketService tickets, ConsoleService consoles) {
        this.tickets = tickets;
        this.consoles = consoles;
    }

    /** A one-time ticket for the guest's console WebSocket, valid for a minute (API clients: no browser session). */
    @PostMapping("/api/v1/guests/{id}/console")
    ConsoleTicket ticket(@PathVariable long id) {
        return tickets.issue(id, null);
    }

    /**
     * A one-time ticket for the guest's serial console, on the same WebSocket (bytes both ways, as the terminal has
     * them). {@code force=true} (ADMIN, OPERATOR) takes the console from whoever holds it when the ticket is used.
     */
    @PostMapping("/api/v1/guests/{id}/serial-console")
    ConsoleTicket serialTicket(@PathVariable long id, @RequestParam(defaultValue = "false") boolean force) {
        return tickets.issueSerial(id, null, force);
    }

    /** The consoles open on this instance: who, which guest, since when, bytes each way (ADMIN). */
    @GetMapping("/api/v1/console/sessions")
    List<ConsoleSession.View> sessions() {
        return consoles.sessions();
    }

    /** Closes someone's console (ADMIN); audited. */
    @DeleteMapping("/api/v1/console/sessions/{id}")
    ResponseEntity<Void> close(@PathVariable String id) {
        consoles.close(id);
        return ResponseEntity.noContent().build();
    }
}
