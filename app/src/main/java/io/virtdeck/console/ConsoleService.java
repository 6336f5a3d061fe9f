package io.virtdeck.console;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import io.virtdeck.ThreadPools;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.PeerChannel;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConsoleGateway;
import io.virtdeck.hypervisor.SerialConsole;
import io.virtdeck.hypervisor.SerialConsoleGateway;
import io.virtdeck.hypervisor.SshOptions;
import io.virtdeck.hypervisor.VncEndpoint;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.security.Access;
import io.virtdeck.web.Formats;

/**
 * Opens consoles for accepted tickets and keeps the open ones, for ADMIN to see and close from any instance (each
 * instance lists its own in the database, and closes one when any instance asks). Each session gets its own one-time
 * VNC password where the host takes one, so the guest's raw VNC port is of no use without Virtdeck.
 */
@Service
public class ConsoleService implements PeerChannel {

    private static final Logger log = LoggerFactory.getLogger(ConsoleService.class);

    private final GuestRepository guests;
    private final ConsoleGateway gateway;
    private final AuditLog audit;
    private final ConsoleProperties properties;
    private final Formats formats;
    private final Map<String, ConsoleSession> open = new ConcurrentHashMap<>();
    /** Setting a guest's password and logging in with it happen together, one session at a time per guest. */
    private final Map<UUID, Object> loginLocks = new ConcurrentHashMap<>();
    private final Executor pumps;
    private final ConsoleSessionRepository everywhere;
    private final VirtdeckInstance instance;
    private final SerialConsoleGateway serialConsoles;

    ConsoleService(GuestRepository guests, ConsoleGateway gateway, AuditLog audit, ConsoleProperties properties,
                   Formats formats, @Qualifier(ThreadPools.CONSOLE_PUMPS) Executor pumps,
                   ConsoleSessionRepository everywhere, VirtdeckInstance instance,
                   SerialConsoleGateway serialConsoles) {
        this.serialConsoles = serialConsoles;
        this.everywhere = everywhere;
        this.instance = instance;
        this.formats = formats;
        this.pumps = pumps;
        this.guests = guests;
        this.gateway = gateway;
        this.audit = audit;
        this.properties = properties;
    }

    /** Joins the browser's WebSocket to the guest's display; the grant comes from an accepted ticket. */
    ConsoleSession open(ConsoleGrant grant, WebSocketSession browser) throws ConsoleRefusedException {
        Guest guest = guests.findById(grant.guestId())
                .orElseThrow(() -> new ConsoleRefusedException("The guest no longer exists."));
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        try {
            long started = System.nanoTime();
            VncEndpoint endpoint = gateway.vncEndpoint(guest.hostId(), guest.uuid());
            long located = System.nanoTime();
            ConsoleSession session;
            synchronized (loginLocks.computeIfAbsent(guest.uuid(), uuid -> new Object())) {
                String password = oneTimePassword(guest);
                long passwordSet = System.nanoTime();
                VncUpstream upstream;
                if (endpoint.throughLibvirt()) {
                    upstream = VncUpstream.over(gateway.openDisplay(guest.hostId(), guest.uuid()), password);
                } else {
                    // the host's key is on disk only until the display has answered through the tunnel
                    try (SshOptions ssh = endpoint.tunnelled() ? gateway.sshOptions(guest.hostId()) : null) {
                        upstream = VncUpstream.open(endpoint, password, properties.sshCommand(),
                                ssh == null ? List.of() : ssh.arguments());
                    }
                }
                log.debug("console of '{}': display found in {} ms, password set in {} ms, logged in in {} ms",
                        guest.name(), (located - started) / 1_000_000, (passwordSet - located) / 1_000_000,
                        (System.nanoTime() - passwordSet) / 1_000_000);
                session = new ConsoleSession(UUID.randomUUID().toString().substring(0, 8), grant, guest.name(),
                        guest.hostName(), password != null, browser, upstream, instance.name());
            }
            open.put(session.id(), session);
            everywhere.opened(session.view(), instance.id());
            session.greet();
            pumps.execute(session::pumpToBrowser);
            audit.recordAs(grant.user(), AuditAction.CONSOLE_OPEN, object, Outcome.SUCCESS, "display " + endpoint
                    + (session.view().oneTimePassword() ? ", one-time VNC password"
                    : ", no VNC password (the host took none)"));
            return session;
        } catch (HypervisorException | IOException e) {
            String reason = "The display of '" + guest.name() + "' cannot be reached: " + e.getMessage();
            audit.recordAs(grant.user(), AuditAction.CONSOLE_OPEN, object, Outcome.FAILURE, reason);
            throw new ConsoleRefusedException(reason);
        } catch (ConsoleRefusedException e) {
            audit.recordAs(grant.user(), AuditAction.CONSOLE_OPEN, object, Outcome.FAILURE, e.getMessage());
            throw e;
        }
    }

    /**
     * Joins the browser's WebSocket to the guest's serial console (libvirt's console stream: nothing listens on the
     * host for it). One writer at a time: while someone holds it, the grant is refused with who and since when,
     * unless it forces (ADMIN, OPERATOR; checked when its ticket was issued), which ends the holder's session.
     */
    ConsoleSession openSerial(ConsoleGrant grant, WebSocketSession browser) throws ConsoleRefusedException {
        Guest guest = guests.findById(grant.guestId())
                .orElseThrow(() -> new ConsoleRefusedException("The guest no longer exists."));
        AuditObject object = AuditObject.guest(guest.id(), guest.name());
        try {
            ConsoleSession session;
            String takenFrom = null;
            synchronized (loginLocks.computeIfAbsent(guest.uuid(), uuid -> new Object())) {
                Optional<ConsoleSession.View> holder = serialHolder(guest.id());
                if (holder.isPresent()) {
                    ConsoleSession.View held = holder.get();
                    if (!grant.force()) {
                        throw new ConsoleBusyException("The serial console is held by " + held.user() + " since "
                                + formats.time(held.openedAt()) + "; one person types at a time.");
                    }
                    takenFrom = held.user() + " (open since " + formats.time(held.openedAt()) + ")";
                    ConsoleSession here = open.get(held.id());
                    if (here != null) {
                        here.close(new CloseStatus(4005, grant.user() + " took over this serial console."),
                                grant.user());
                    } // served by another instance: libvirt's force ends its stream, and that instance closes it
                }
                SerialConsole console;
                try {
                    console = serialConsoles.openSerialConsole(guest.hostId(), guest.uuid(), grant.force());
                } catch (SerialConsoleGateway.SerialConsoleBusyException e) {
                    throw new ConsoleBusyException("The serial console is held outside Virtdeck (virsh console or"
                            + " another libvirt client).");
                }
                session = new ConsoleSession(UUID.randomUUID().toString().substring(0, 8), grant, guest.name(),
                        guest.hostName(), false, browser, new SerialUpstream(console), instance.name(),
                        ConsoleKind.SERIAL);
            }
            open.put(session.id(), session);
            everywhere.opened(session.view(), instance.id());
            pumps.execute(session::pumpToBrowser);
            audit.recordAs(grant.user(), AuditAction.CONSOLE_SERIAL_OPEN, object, Outcome.SUCCESS,
                    "libvirt's console stream" + (grant.force() ? ", taken over" : ""));
            if (grant.force()) {
                audit.recordAs(grant.user(), AuditAction.CONSOLE_SERIAL_TAKEOVER, object, Outcome.SUCCESS,
                        takenFrom != null ? "taken from " + takenFrom
                                : "no Virtdeck session held it (a client outside Virtdeck, if any, was cut off)");
            }
            return session;
        } catch (HypervisorException e) {
            String reason = e.kind() == HypervisorException.Kind.UNSUPPORTED
                    ? "The host of '" + guest.name() + "' opens no serial consoles (a simulated host, such as"
                    + " libvirt's test driver, has none)."
                    : "The serial console of '" + guest.name() + "' cannot be opened: " + e.getMessage();
            audit.recordAs(grant.user(), AuditAction.CONSOLE_SERIAL_OPEN, object, Outcome.FAILURE, reason);
            throw new ConsoleRefusedException(reason);
        } catch (ConsoleRefusedException e) {
            audit.recordAs(grant.user(), AuditAction.CONSOLE_SERIAL_OPEN, object, Outcome.FAILURE, e.getMessage());
            throw e;
        }
    }

    /** Who holds the guest's serial console through Virtdeck, on any instance (this one's first), if anyone. */
    Optional<ConsoleSession.View> serialHolder(long guestId) {
        Optional<ConsoleSession.View> here = open.values().stream()
                .filter(s -> s.kind() == ConsoleKind.SERIAL && s.grant().guestId() == guestId)
                .map(ConsoleSession::view).findFirst();
        if (here.isPresent()) {
            return here;
        }
        return everywhere.everywhere().stream().map(ConsoleSessionRepository.Row::view)
                .filter(v -> ConsoleKind.SERIAL.code().equals(v.kind()) && v.guestId() == guestId).findFirst();
    }

    /** The browser's side has closed (or Virtdeck closed it): forget the session and audit how it went. */
    void closed(ConsoleSession session, CloseStatus status) {
        if (open.remove(session.id()) == null) {
            return;
        }
        try {
            everywhere.closed(session.id());
        } catch (DataAccessException e) { // the database is away: the next count forgets the row
            log.debug("console session {} stays listed a few seconds more: {}", session.id(), e.getMessage());
        }
        session.browserClosed();
        long seconds = Duration.between(session.openedAt(), Instant.now()).toSeconds();
        String detail = (session.kind() == ConsoleKind.SERIAL ? "serial console, " : "") + "after " + seconds + " s; "
                + formats.bytes(session.bytesToBrowser()) + " to the browser, "
                + formats.bytes(session.bytesFromBrowser()) + " from it"
                + (session.closedBy() != null ? "; closed by " + session.closedBy()
                : status.getReason() != null ? "; " + status.getReason() : "");
        audit.recordAs(session.grant().user(), AuditAction.CONSOLE_CLOSE,
                AuditObject.guest(session.grant().guestId(), session.guestName()), Outcome.SUCCESS, detail);
    }

    /** The consoles open on every running instance, oldest first; this instance's with their bytes of this moment. */
    @PreAuthorize(Access.ADMIN)
    public List<ConsoleSession.View> sessions() {
        return everywhere.everywhere().stream().map(row -> Optional.ofNullable(open.get(row.view().id()))
                .map(ConsoleSession::view).orElse(row.view())).toList();
    }

    /** ADMIN closes someone's console, on whichever instance serves it. */
    @PreAuthorize(Access.ADMIN)
    public void close(String sessionId) {
        ConsoleSession session = open.get(sessionId);
        if (session != null) {
            closeHere(session, CurrentUser.name());
        } else if (everywhere.find(sessionId).isPresent()) {
            everywhere.askToClose(sessionId, CurrentUser.name());
        } else {
            throw VirtdeckException.notFound("There is no open console session " + sessionId + ".");
        }
    }

    private static void closeHere(ConsoleSession session, String by) {
        session.close(new CloseStatus(4001, "An administrator closed this console."), by);
    }

    /** Another instance's administrator asked: "{@code <session id> <user>}", closed here if it is served here. */
    @Override
    public String name() {
        return ConsoleSessionRepository.CLOSE_CHANNEL;
    }

    @Override
    public void received(String payload) {
        String[] sessionAndUser = payload.split(" ", 2);
        ConsoleSession session = open.get(sessionAndUser[0]);
        if (session != null && sessionAndUser.length == 2) {
            closeHere(session, sessionAndUser[1]);
        }
    }

    /** The other instances' pages show this instance's byte counts as of a few seconds ago. */
    @Scheduled(fixedDelay = 5, initialDelay = 5, timeUnit = TimeUnit.SECONDS)
    void keepCounts() {
        try {
            everywhere.counted(instance.id(), open.values().stream().map(ConsoleSession::view).toList());
            everywhere.forgetStoppedInstances();
        } catch (DataAccessException e) {
            log.debug("console byte counts not written: {}", e.getMessage()); // the consoles go on regardless
        }
    }

    /** A fresh password on the guest's display, or null when its host takes none (then the display must need none). */
    private String oneTimePassword(Guest guest) {
        String password = VncPassword.random();
        try {
            gateway.setVncPassword(guest.hostId(), guest.uuid(), password,
                    Instant.now().plus(properties.vncPasswordValidity()));
            return password;
        } catch (HypervisorException e) {
            log.info("no one-time VNC password for '{}': {}", guest.name(), e.getMessage());
            return null;
        }
    }

    @PreDestroy
    void closeAll() {
        open.values().forEach(session -> session.close(new CloseStatus(1001, "Virtdeck is stopping."), null));
    }
}
