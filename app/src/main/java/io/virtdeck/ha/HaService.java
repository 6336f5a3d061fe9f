package io.virtdeck.ha;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * Which guests are highly available, and their restarts: turning HA on keeps the guest's definition, so that it can
 * be defined and started on another host when its own is lost ({@link HaMonitor}). Those who may operate a guest
 * change it; everyone who sees the guest reads it.
 */
@Service
public class HaService {

    static final int MAX_PRIORITY = 100;
    private static final int RECENT = 20;

    private final HaRepository repository;
    private final GuestRepository guests;
    private final DomainGateway domains;
    private final GuestActionPlans plans;
    private final HostRepository hosts;
    private final HaMonitor monitor;
    private final ActionRunner actions;
    private final Permissions permissions;

    HaService(HaRepository repository, GuestRepository guests, DomainGateway domains, GuestActionPlans plans,
              HostRepository hosts, HaMonitor monitor, ActionRunner actions, Permissions permissions) {
        this.hosts = hosts;
        this.monitor = monitor;
        this.actions = actions;
        this.repository = repository;
        this.guests = guests;
        this.domains = domains;
        this.plans = plans;
        this.permissions = permissions;
    }

    /** PUT /api/v1/guests/{id}/ha: on or off, and the restart priority (0-100, higher first; 0 when absent). */
    public record HaRequest(Boolean enabled, Integer priority) {
    }

    /**
     * GET /api/v1/guests/{id}/ha: whether it is HA, its priority, when its definition was kept, its restarts, and when
     * the host it ran on does not answer, what the HA watch makes of that ({@code hostCheck}, else null).
     */
    public record HaSettings(boolean enabled, int priority, Instant definitionKeptAt,
                             List<HaRestart> restarts, HostCheck hostCheck) {
    }

    /**
     * GET /api/v1/ha: the HA guests of the fleet, highest priority first, the latest restarts, and the hosts that do
     * not answer with what the HA watch makes of each.
     */
    public record HaOverview(List<HaGuestView> guests, List<HaRestart> restarts, List<HostCheck> hosts) {
    }

    /** One HA guest as the overview shows it. */
    public record HaGuestView(long id, UUID uuid, String name, String hostName, String state, int priority) {
    }

    public HaSettings settings(long guestId) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        return settingsOf(guests.require(guestId));
    }

    public HaSettings set(long guestId, HaRequest request) {
        Guest guest = guests.require(guestId);
        // even while a restart of the guest waits: turning HA off is how a person stops it
        return plans.plan(guest, AuditAction.GUEST_HA).evenWhileBusy().check(() -> check(request)).run(() -> {
            if (Boolean.TRUE.equals(request.enabled())) {
                int priority = request.priority() == null ? 0 : request.priority();
                // the definition a lost host could no longer give
                repository.enable(guest.uuid(), priority, domains.definitionXml(guest.hostId(), guest.uuid()),
                        CurrentUser.name());
                repository.noteWhereTheyRun();
                return Done.of(settingsOf(guest), "on, restart priority " + priority);
            }
            repository.disable(guest.uuid());
            return Done.of(settingsOf(guest), "off");
        });
    }

    /**
     * POST /api/v1/hosts/{id}/confirm-down: an administrator's word that a host which does not answer is down (as
     * oVirt's "Confirm host has been rebooted"), so its HA guests restart now rather than after the grace. Their
     * disk leases still decide: a guest whose disks a running QEMU holds does not start.
     */
    public void confirmDown(long hostId) {
        permissions.requireHost(Action.READ_HOST, hostId); // 404 for a host the user does not see, as for none
        Host host = hosts.require(hostId);
        actions.plan(AuditAction.HOST_CONFIRM_DOWN, AuditObject.host(host.id(), host.name()))
                .permit(() -> permissions.require(Action.ADMINISTER, ObjectRef.root()))
                .check(() -> {
                    if (host.state() != HostState.UNREACHABLE) {
                        throw VirtdeckException.conflict("Host '" + host.name() + "' answers: it is not down.");
                    }
                })
                .execute(() -> monitor.confirmedDown(host, CurrentUser.name()));
    }

    /** The HA guests the user may see and their latest restarts; 403 for those who see no host (help desk). */
    public HaOverview overview() {
        if (!permissions.mayReadSomeHost()) {
            throw new AccessDeniedException("not permitted: read the fleet's high availability");
        }
        List<HaGuestView> views = repository.all().stream().map(ha -> guests.findByUuid(ha.uuid())
                        .filter(g -> permissions.allows(Action.READ_GUEST, ObjectRef.guest(g.id())))
                        .map(g -> new HaGuestView(g.id(), g.uuid(), g.name(), g.hostName(), g.state().name(),
                                ha.priority())))
                .flatMap(Optional::stream).toList();
        Set<UUID> seen = views.stream().map(HaGuestView::uuid).collect(Collectors.toSet());
        return new HaOverview(views, repository.recent(RECENT).stream()
                .filter(restart -> seen.contains(restart.guestUuid())).toList(), repository.hostChecks().stream()
                .filter(check -> permissions.allows(Action.READ_HOST, ObjectRef.host(check.hostId()))).toList());
    }

    private HaSettings settingsOf(Guest guest) {
        Optional<HaRepository.HaGuest> ha = repository.find(guest.uuid());
        return new HaSettings(ha.isPresent(), ha.map(HaRepository.HaGuest::priority).orElse(0),
                ha.map(HaRepository.HaGuest::definitionReadAt).orElse(null), repository.recentOf(guest.uuid(), RECENT),
                repository.hostCheckOf(guest.uuid()).orElse(null));
    }

    private static void check(HaRequest request) {
        if (request.enabled() == null) {
            throw VirtdeckException.invalid("enabled", "enabled is required: true to restart the guest on another host"
                    + " when its own is lost, false not to.");
        }
        if (request.priority() != null && (request.priority() < 0 || request.priority() > MAX_PRIORITY)) {
            throw VirtdeckException.invalid("priority", "priority is 0 to " + MAX_PRIORITY + ": guests of a higher"
                    + " priority are restarted first.");
        }
    }
}
