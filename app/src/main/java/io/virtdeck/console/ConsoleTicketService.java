package io.virtdeck.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConsoleGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.security.UserAccountRepository;

/**
 * One-time console tickets: 256 random bits, valid for a minute, bound to the user and the guest, and, when issued to
 * a browser, to that browser's session. The WebSocket endpoint accepts each ticket once, before any byte goes to the
 * guest. Only a hash of a ticket is stored.
 */
@Service
public class ConsoleTicketService {

    static final String WEBSOCKET_PATH = "/console/ws";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConsoleTicketRepository tickets;
    private final GuestRepository guests;
    private final AuditLog audit;
    private final ActionRunner actions;
    private final Duration validity;

    private final Permissions permissions;
    private final UserAccountRepository users;
    private final ConsoleGateway gateway;

    ConsoleTicketService(ConsoleTicketRepository tickets, GuestRepository guests, AuditLog audit, ActionRunner actions,
                         ConsoleProperties properties, Permissions permissions, UserAccountRepository users,
                         ConsoleGateway gateway) {
        this.gateway = gateway;
        this.permissions = permissions;
        this.users = users;
        this.tickets = tickets;
        this.guests = guests;
        this.audit = audit;
        this.actions = actions;
        this.validity = properties.ticketValidity();
    }

    /**
     * A ticket for the guest's console. {@code browserSession} binds it to the browser session that asked (null for
     * API clients). 409 when the guest has no screen to show now.
     */
    public ConsoleTicket issue(long guestId, String browserSession) {
        Guest guest = guests.require(guestId);
        return actions.plan(AuditAction.CONSOLE_TICKET, AuditObject.guest(guest.id(), guest.name()))
                .permit(() -> permissions.requireGuest(Action.CONSOLE, guestId))
                .evenWhileBusy() // a console watches a guest being migrated or cloned
                .check(() -> {
                    if (guest.state() == DomainRunState.SHUTOFF || guest.state() == DomainRunState.CRASHED) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' is "
                                + (guest.state() == DomainRunState.SHUTOFF ? "shut off" : "crashed")
                                + ": its console shows something once it runs again.");
                    }
                    // the inventory knows the display; where exactly it listens is asked when the console connects
                    if (guest.graphics().stream().noneMatch(g -> "vnc".equals(g.type()))) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' has no VNC display, so it has no"
                                + " console here.");
                    }
                    if (guest.graphics().stream().anyMatch(g -> "vnc".equals(g.type()) && g.socket() != null)) {
                        requireReachableSocket(guest);
                    } else if (guest.graphics().stream().noneMatch(g -> "vnc".equals(g.type()) && g.port() > 0)) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' has no VNC port: its host runs no"
                                + " display for it (a simulated host, such as libvirt's test driver, has none).");
                    }
                })
                .run(() -> Done.of(newTicket(guest, browserSession),
                        browserSession == null ? "for an API client" : "for a browser session"));
    }

    /**
     * A ticket for the guest's serial console (the same WebSocket: the ticket says which console). {@code force}
     * takes the console from whoever holds it when it connects: ADMIN and OPERATOR only (those who may operate the
     * guest), so help desk cannot cut off someone else's rescue. 409 while the guest does not run.
     */
    public ConsoleTicket issueSerial(long guestId, String browserSession, boolean force) {
        Guest guest = guests.require(guestId);
        return actions.plan(AuditAction.CONSOLE_TICKET, AuditObject.guest(guest.id(), guest.name()))
                .permit(() -> {
                    permissions.requireGuest(Action.CONSOLE, guestId);
                    if (force) {
                        permissions.requireGuest(Action.OPERATE, guestId);
                    }
                })
                .evenWhileBusy()
                .check(() -> {
                    if (guest.state() == DomainRunState.SHUTOFF || guest.state() == DomainRunState.CRASHED) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' is "
                                + (guest.state() == DomainRunState.SHUTOFF ? "shut off" : "crashed")
                                + ": its serial console answers once it runs again.");
                    }
                })
                .run(() -> Done.of(newTicket(guest, browserSession, ConsoleKind.SERIAL, force),
                        "serial console" + (force ? ", taking it over" : "") + ", "
                                + (browserSession == null ? "for an API client" : "for a browser session")));
    }

    /**
     * A display on a UNIX socket of its host opens only through some ways to the host (SSH, libvirt's local socket):
     * asked now, so that the reason why not comes whole with the refusal, not cut to a WebSocket close's 123 bytes.
     */
    private void requireReachableSocket(Guest guest) {
        try {
            gateway.vncEndpoint(guest.hostId(), guest.uuid());
        } catch (HypervisorException e) {
            if (e.kind() == HypervisorException.Kind.UNSUPPORTED) {
                throw VirtdeckException.conflict("The display of '" + guest.name() + "' cannot be reached: "
                        + e.getMessage() + ".");
            }
            // anything else (the host away a moment) shows when the console connects
        }
    }

    private ConsoleTicket newTicket(Guest guest, String browserSession) {
        return newTicket(guest, browserSession, ConsoleKind.VNC, false);
    }

    private ConsoleTicket newTicket(Guest guest, String browserSession, ConsoleKind kind, boolean force) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = Instant.now();
        Instant expiresAt = now.plus(validity);
        tickets.deleteExpiredBefore(now.minus(Duration.ofHours(1)));
        tickets.insert(sha256(ticket), guest.id(), CurrentUser.name(),
                browserSession == null ? null : sha256(browserSession), expiresAt, kind, force);
        return new ConsoleTicket(ticket, WEBSOCKET_PATH + "?ticket=" + ticket, expiresAt);
    }

    /**
     * Accepts a ticket once, at the WebSocket handshake. {@code browserSession} and {@code authenticatedUser} are
     * what came with the handshake (either may be null). A refusal names the reason and is audited when it concerns
     * a known ticket.
     */
    ConsoleGrant redeem(String ticket, String browserSession, String authenticatedUser)
            throws ConsoleRefusedException {
        if (ticket == null || ticket.isBlank()) {
            throw new ConsoleRefusedException("No console ticket: open the console from Virtdeck's guest page.");
        }
        String hash = sha256(ticket);
        ConsoleTicketRepository.Stored stored = tickets.find(hash).orElseThrow(() -> new ConsoleRefusedException(
                "This console ticket is not valid. Open the console again from the guest's page."));
        String refusal = null;
        if (stored.used()) {
            refusal = "This console ticket was used already; each ticket opens one console.";
        } else if (!Instant.now().isBefore(stored.expiresAt())) {
            refusal = "This console ticket expired (they last " + validity.toSeconds() + " s). Open the console"
                    + " again.";
        } else if (authenticatedUser != null && !authenticatedUser.equals(stored.user())) {
            refusal = "This console ticket was issued to another user.";
        } else if (stored.sessionHash() != null
                && !Objects.equals(stored.sessionHash(), browserSession == null ? null : sha256(browserSession))) {
            refusal = "This console ticket belongs to another browser session.";
        } else if (users.findByUsername(stored.user()).filter(account -> !account.enabled()).isPresent()) {
            // an instance that never saw the browser's session has no login to check, so the account is checked
            // here (people signed on through OIDC may have no account row; their rights come with their session)
            refusal = "The account this console ticket was issued to is disabled.";
        } else if (!tickets.use(hash)) {
            refusal = "This console ticket was used already; each ticket opens one console.";
        }
        if (refusal != null) {
            auditRefusal(stored, authenticatedUser, refusal);
            throw new ConsoleRefusedException(refusal);
        }
        return new ConsoleGrant(stored.guestId(), stored.user(), stored.kind(), stored.force());
    }

    /**
     * Refuses a handshake for what came with it rather than for its ticket (a page of another site, a request that
     * is no WebSocket). The ticket is looked up but not used, so the console it was issued for still opens with it;
     * audited like {@link #redeem}'s refusals when the ticket is known.
     */
    ConsoleRefusedException refuse(String ticket, String authenticatedUser, String reason) {
        if (ticket != null && !ticket.isBlank()) {
            tickets.find(sha256(ticket)).ifPresent(stored -> auditRefusal(stored, authenticatedUser, reason));
        }
        return new ConsoleRefusedException(reason);
    }

    private void auditRefusal(ConsoleTicketRepository.Stored stored, String authenticatedUser, String reason) {
        String name = guests.findById(stored.guestId()).map(Guest::name).orElse("guest " + stored.guestId());
        audit.recordAs(authenticatedUser == null ? "anonymous" : authenticatedUser, AuditAction.CONSOLE_REFUSED,
                AuditObject.guest(stored.guestId(), name), Outcome.FAILURE, reason);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
