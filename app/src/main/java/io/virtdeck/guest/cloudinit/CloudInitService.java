package io.virtdeck.guest.cloudinit;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * Guests' cloud-init: the settings given when a guest is created (from the wizard or a template) become a NoCloud seed
 * on a CD-ROM before its first start ({@link #check}, {@link #write}, {@link #remember}, called by those creates);
 * editing them later writes a new seed for the shut-off guest; deleting the guest deletes its seed. Reading needs
 * the guest's read right, editing its operate right.
 */
@Service
public class CloudInitService {

    private final CloudInitRepository repository;
    private final CloudInitSeeds seeds;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final GuestActionPlans plans;
    private final UndoJournal journal;
    private final Permissions permissions;

    CloudInitService(CloudInitRepository repository, CloudInitSeeds seeds, GuestRepository guests,
                     HostRepository hosts, GuestActionPlans plans, UndoJournal journal, Permissions permissions) {
        this.repository = repository;
        this.seeds = seeds;
        this.guests = guests;
        this.hosts = hosts;
        this.plans = plans;
        this.journal = journal;
        this.permissions = permissions;
    }

    /**
     * Checks the settings of a create request (fields named {@code cloudInit.*}) for a new guest called
     * {@code guestName} with {@code nicCount} NICs; nothing is made.
     */
    public static CloudInitPlan check(CloudInitRequest request, String guestName, int nicCount) {
        return new CloudInitChecks("cloudInit.").check(request, guestName, nicCount, null);
    }

    /** Writes the new guest's seed and puts it in a new CD-ROM, as part of the create that {@code made} records. */
    public SeedVolume write(Host host, UUID uuid, String guestName, CloudInitPlan plan, MadeSoFar made) {
        return seeds.write(host, uuid, guestName, plan, null, made);
    }

    /** Keeps the settings of a guest just created with them. */
    public void remember(long guestId, CloudInitPlan plan, SeedVolume seed) {
        repository.save(guestId, plan, seed);
    }

    /** The guest, for its cloud-init page: only for those who may change it. */
    public Guest editable(long guestId) {
        permissions.requireGuest(Action.OPERATE, guestId);
        return guests.require(guestId);
    }

    public Optional<CloudInitView> settings(long guestId) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        guests.require(guestId);
        return repository.find(guestId).map(CloudInitView::of);
    }

    /**
     * New settings for a shut-off guest: a new seed (with a new instance id, so cloud-init applies it at the next
     * start) replaces the old one in its CD-ROM, or goes in a new CD-ROM for a guest that had none; the old seed is
     * then deleted. A failure leaves the guest with its old seed and no new volume.
     */
    public CloudInitView update(long guestId, CloudInitRequest request) {
        Guest guest = guests.require(guestId);
        Optional<CloudInitRepository.Kept> kept = repository.find(guestId);
        AtomicReference<CloudInitPlan> planned = new AtomicReference<>();
        return plans.explaining(guest, AuditAction.GUEST_CLOUD_INIT, e -> "Writing the cloud-init seed of '"
                        + guest.name() + "' failed: " + HypervisorErrors.message(e) + " Its old seed is unchanged.")
                .check(plans.live(guest, live -> {
                    if (guest.template()) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' is a template: its copies would share"
                                + " its seed. Give cloud-init settings when creating a guest from it.");
                    }
                    if (live.state() != DomainRunState.SHUTOFF) {
                        throw VirtdeckException.conflict("'" + guest.name() + "' is "
                                + GuestActions.describe(live.state()) + ": shut it down before changing its"
                                + " cloud-init settings (the guest reads them when it starts).");
                    }
                    planned.set(new CloudInitChecks("").check(request, guest.name(), live.nics().size(),
                            kept.map(k -> k.plan().passwordHash()).orElse(null)));
                }))
                .run(() -> {
                    CloudInitPlan plan = planned.get();
                    Host host = hosts.findById(guest.hostId()).orElseThrow(() -> VirtdeckException.notFound(
                            "Host " + guest.hostId() + " is no longer managed."));
                    SeedVolume replaced = kept.map(CloudInitRepository.Kept::seed).orElse(null);
                    SeedVolume seed;
                    // a failure (or a stop) before done() takes the new volume back; the CD-ROM then still holds the
                    // old seed, which changes only once the new one is whole
                    try (MadeSoFar made = journal.begin(AuditAction.GUEST_CLOUD_INIT,
                            AuditObject.guest(guest.id(), guest.name()))) {
                        seed = seeds.write(host, guest.uuid(), guest.name(), plan, replaced, made);
                        made.done();
                    }
                    repository.save(guestId, plan, seed);
                    String old = replaced == null ? "" : oldSeedDeleted(guest.hostId(), replaced);
                    return Done.of(CloudInitView.of(repository.find(guestId).orElseThrow()),
                            plan.describe() + "; seed " + seed + old);
                });
    }

    /**
     * The guest's seed, if it has one: read before its definition goes, since its settings' row goes with the
     * guest's row once the inventory hears of the removal.
     */
    public Optional<SeedVolume> seedOf(Guest guest) {
        return repository.find(guest.id()).map(CloudInitRepository.Kept::seed);
    }

    /** After the guest's definition is gone: deletes its seed (a volume already gone counts) and its settings. */
    public void deleteSeed(Guest guest, SeedVolume seed) {
        seeds.delete(guest.hostId(), seed);
        repository.delete(guest.id());
    }

    private String oldSeedDeleted(long hostId, SeedVolume replaced) {
        try {
            seeds.delete(hostId, replaced);
            return " (replaces " + replaced + ", deleted)";
        } catch (HypervisorException e) {
            return " (the old seed " + replaced + " could not be deleted: " + HypervisorErrors.message(e)
                    + "; delete it from the pool)";
        }
    }
}
