package io.virtdeck.guest.devices;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.hypervisor.DeviceGateway;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.NicSpec;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.network.MacAddresses;
import io.virtdeck.network.NicPlanner;
import io.virtdeck.network.NicRequest;

/**
 * Hot-plug: disks (a new volume, or one that exists) and NICs plugged into a running guest and its definition, or
 * only its definition when it is shut off; unplugged the same way. A new volume whose plugging fails is deleted again.
 */
@Service
public class GuestDevicesService {

    /** How long an unplug waits for the guest's OS to let go of the device. */
    static final Duration RELEASE_PATIENCE = Duration.ofSeconds(20);
    private static final Set<String> FORMATS = Set.of("qcow2", "raw");
    /** NIC models libvirt puts on PCI Express: a running q35 guest's free root ports take them. */
    private static final Set<String> PCI_EXPRESS_MODELS = Set.of("virtio", "e1000e");
    private static final Pattern TARGET = Pattern.compile("[a-z]{2,3}[a-z]{1,2}");

    private final GuestRepository guests;
    private final DomainGateway domains;
    private final DeviceGateway deviceGateway;
    private final StorageGateway storageGateway;
    private final GuestActionPlans plans;
    private final NicPlanner nics;

    GuestDevicesService(GuestRepository guests, DomainGateway domains, DeviceGateway deviceGateway,
                        StorageGateway storageGateway, GuestActionPlans plans, NicPlanner nics) {
        this.guests = guests;
        this.domains = domains;
        this.deviceGateway = deviceGateway;
        this.storageGateway = storageGateway;
        this.plans = plans;
        this.nics = nics;
    }

    /**
     * A new disk: a volume of {@code sizeMiB} made in {@code pool} and plugged in; or, when the request names a
     * {@code volume}, that existing volume of the pool plugged in. Returns the guest.
     */
    public Guest addDisk(long guestId, DiskRequest request) {
        Guest guest = guests.require(guestId);
        if (request.volume() != null) {
            return attachVolume(guest, request);
        }
        String format = request.format() == null ? "qcow2" : request.format();
        AtomicReference<PoolFacts> chosen = new AtomicReference<>();
        plans.plan(guest, AuditAction.GUEST_DISK_ADD).check(() -> {
            PoolFacts pool = activePool(guest, request.pool());
            if (!FORMATS.contains(format)) {
                throw VirtdeckException.invalid("format", "format is qcow2 or raw.");
            }
            if (request.sizeMiB() == null || request.sizeMiB() < 1 || request.sizeMiB() > pool.availableMiB()) {
                throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be between 1 and " + pool.availableMiB()
                        + " (what pool '" + pool.name() + "' has free).");
            }
            chosen.set(pool);
        }).check(plans.live(guest, live -> pluggable(guest, live.state()))).run(() -> {
            PoolFacts pool = chosen.get();
            String volume = guest.name() + "-" + Long.toString(System.currentTimeMillis(), 36) + "." + format;
            storageGateway.createVolume(guest.hostId(), pool.name(), new NewVolume(volume, request.sizeMiB(), format));
            try {
                String target = deviceGateway.attachDisk(guest.hostId(), guest.uuid(), pool.name(), volume, format,
                        false);
                return Done.of(target, "new " + request.sizeMiB() + " MiB " + format
                        + " disk " + pool.name() + "/" + volume + " plugged in as " + target);
            } catch (HypervisorException e) {
                storageGateway.deleteVolume(guest.hostId(), pool.name(), volume); // nothing left behind
                throw e;
            }
        });
        return guests.require(guestId);
    }

    /**
     * An existing volume plugged in as the next virtio disk. A volume another guest of the host has as a disk is
     * refused, naming that guest, unless both say it is shared: the other guest's disk is marked shareable and the
     * request asks for {@code shareable} (two guests writing one disk need a cluster file system, else they destroy
     * it).
     */
    private Guest attachVolume(Guest guest, DiskRequest request) {
        AtomicReference<VolumeFacts> chosen = new AtomicReference<>();
        boolean shareable = Boolean.TRUE.equals(request.shareable());
        plans.explaining(guest, AuditAction.GUEST_DISK_ADD, e -> GuestActionPlans.explain(guest, e)
                + (outOfPciSlots(e) ? ". A running q35 guest has no free PCI Express port for another disk: plug it in"
                + " while the guest is shut off." : "")).check(() -> {
            PoolFacts pool = activePool(guest, request.pool());
            if (request.sizeMiB() != null) {
                throw VirtdeckException.invalid("sizeMiB", "sizeMiB is for a new disk: an existing volume keeps its"
                        + " size; give volume or sizeMiB, not both.");
            }
            VolumeFacts volume = storageGateway.volume(guest.hostId(), pool.name(), request.volume())
                    .orElseThrow(() -> VirtdeckException.invalid("volume", "Pool '" + pool.name() + "' has no volume '"
                            + request.volume() + "'."));
            if (volume.iso()) {
                throw VirtdeckException.invalid("volume", "'" + volume.name() + "' is an installation image: insert it"
                        + " into the CD-ROM drive instead.");
            }
            refuseUsers(guest, pool.name(), volume, shareable);
            chosen.set(volume);
        }).check(plans.live(guest, live -> pluggable(guest, live.state()))).run(() -> {
            VolumeFacts volume = chosen.get();
            String format = volume.format() == null ? "raw" : volume.format();
            String target = deviceGateway.attachDisk(guest.hostId(), guest.uuid(), request.pool(), volume.name(),
                    format, shareable);
            return Done.of(target, "existing " + (shareable ? "shareable " : "") + format + " volume "
                    + request.pool() + "/" + volume.name() + " plugged in as " + target);
        });
        return guests.require(guest.id());
    }

    /**
     * 409 naming the guest when a guest of the host has the volume as a disk already: this guest itself, or another
     * one unless the volume is to be shared ({@code shareable}) and that guest's disk is marked shareable too.
     */
    private void refuseUsers(Guest guest, String pool, VolumeFacts volume, boolean shareable) {
        for (Guest other : guests.findAllOn(guest.hostId())) {
            List<DiskFacts> on = other.disks().stream().filter(d -> d.source() != null
                    && (d.source().equals(volume.path()) || d.source().equals(pool + "/" + volume.name()))).toList();
            if (on.isEmpty()) {
                continue;
            }
            if (other.id() == guest.id()) {
                throw VirtdeckException.conflict("volume", "'" + guest.name() + "' has volume '" + volume.name()
                        + "' as its disk " + on.get(0).target() + " already.");
            }
            // the inventory may be a moment behind: whether the other guest shares it is read from its definition
            boolean sharedThere = domains.domain(other.hostId(), other.uuid()).disks().stream()
                    .anyMatch(d -> on.stream().anyMatch(o -> o.target().equals(d.target())) && d.shareable());
            if (!shareable || !sharedThere) {
                throw VirtdeckException.conflict("volume", "Volume '" + volume.name() + "' is a disk of '"
                        + other.name() + "'" + (sharedThere ? ", which shares it: ask for shareable to share it too."
                        : ", which does not mark it shareable: two guests writing one disk destroy its data. Unplug"
                        + " it from '" + other.name() + "' first."));
            }
        }
    }

    /**
     * A NIC on a network or a host bridge, of the model asked for (virtio by default), with the MAC address asked for
     * or a new one; checked against the host first (see {@link NicPlanner}). Returns the guest.
     */
    public Guest addNic(long guestId, NicRequest request) {
        Guest guest = guests.require(guestId);
        AtomicReference<NicSpec> planned = new AtomicReference<>();
        plans.explaining(guest, AuditAction.GUEST_NIC_ADD, e -> GuestActionPlans.explain(guest, e)
                        + (outOfPciSlots(e) && planned.get() != null && !PCI_EXPRESS_MODELS.contains(planned.get().model())
                        ? ". A running q35 guest has no slot for a conventional PCI card such as "
                        + planned.get().model() + ": plug a virtio or e1000e NIC instead." : ""))
                .check(() -> planned.set(nics.plan(guest.hostId(), guest.hostName(), request)))
                .check(plans.live(guest, live -> pluggable(guest, live.state())))
                .run(() -> {
                    NicSpec nic = planned.get();
                    deviceGateway.attachNic(guest.hostId(), guest.uuid(), nic);
                    return Done.of(nic.mac(), nic.model() + " NIC " + nic.mac() + " on " + nic.type() + " "
                            + nic.source() + " plugged in");
                });
        return guests.require(guestId);
    }

    /**
     * libvirt reports a guest without a free PCI slot as an internal error, a code it shares with many other
     * failures: only its words ("No more available PCI slots") tell this one apart.
     */
    private static boolean outOfPciSlots(HypervisorException e) {
        return e.code() == HypervisorException.INTERNAL_ERROR && e.getMessage() != null
                && e.getMessage().contains("PCI slots");
    }

    /** Unplugs the disk at {@code target}; its volume stays in its pool. */
    public Guest removeDisk(long guestId, String target) {
        Guest guest = guests.require(guestId);
        unplug(guest, AuditAction.GUEST_DISK_REMOVE, "disk " + target, () -> {
                    if (target == null || !TARGET.matcher(target).matches()) {
                        throw VirtdeckException.invalid("target", "'" + target + "' is not a disk target such as"
                                + " vdb.");
                    }
                },
                () -> deviceGateway.detachDisk(guest.hostId(), guest.uuid(), target, RELEASE_PATIENCE));
        return guests.require(guestId);
    }

    public Guest removeNic(long guestId, String mac) {
        Guest guest = guests.require(guestId);
        unplug(guest, AuditAction.GUEST_NIC_REMOVE, "NIC " + mac, () -> MacAddresses.check("mac", mac),
                () -> deviceGateway.detachNic(guest.hostId(), guest.uuid(), mac, RELEASE_PATIENCE));
        return guests.require(guestId);
    }

    /**
     * Grows the disk at {@code target} to {@code sizeMiB}: a running guest's through libvirt (its OS sees the new size
     * at once; the file systems on it are grown inside), a shut-off one's by resizing its volume. Disks only grow.
     */
    public Guest growDisk(long guestId, String target, GrowRequest request) {
        Guest guest = guests.require(guestId);
        AtomicReference<PooledVolume> volume = new AtomicReference<>();
        AtomicReference<DomainRunState> state = new AtomicReference<>();
        plans.plan(guest, AuditAction.GUEST_DISK_GROW).check(() -> {
            if (target == null || !TARGET.matcher(target).matches()) {
                throw VirtdeckException.invalid("target", "'" + target + "' is not a disk target such as vda.");
            }
        }).check(plans.live(guest, live -> {
            pluggable(guest, live.state());
            DiskFacts disk = live.disks().stream().filter(d -> "disk".equals(d.device()) && target.equals(d.target()))
                    .findFirst().orElseThrow(() -> VirtdeckException.invalid("target", "'" + guest.name()
                            + "' has no disk at " + target + "."));
            PooledVolume found = disk.source() == null ? null
                    : storageGateway.diskVolume(guest.hostId(), disk.source()).orElse(null);
            if (found == null) {
                throw VirtdeckException.conflict("The disk at " + target + " of '" + guest.name() + "' is not a"
                        + " volume of a pool: Virtdeck grows volumes only.");
            }
            long now = found.volume().capacityMiB();
            if (request.sizeMiB() == null || request.sizeMiB() <= now) {
                throw VirtdeckException.invalid("sizeMiB", "sizeMiB must be more than the disk's " + now
                        + " MiB now: disks only grow (shrinking one would cut off the file systems on it).");
            }
            volume.set(found);
            state.set(live.state());
        })).run(() -> {
            PooledVolume grown = volume.get();
            boolean running = state.get() == DomainRunState.RUNNING;
            if (running) {
                deviceGateway.growDisk(guest.hostId(), guest.uuid(), target, request.sizeMiB());
            } else {
                storageGateway.resizeVolume(guest.hostId(), grown.pool(), grown.volume().name(), request.sizeMiB());
            }
            return Done.noted("disk " + target + " (" + grown.pool() + "/" + grown.volume().name() + ") grown from "
                    + grown.volume().capacityMiB() + " to " + request.sizeMiB() + " MiB"
                    + (running ? " while running: the guest's OS sees the new size now; grow its file system"
                    + " inside" : ""));
        });
        return guests.require(guestId);
    }

    /** The body of POST /api/v1/guests/{id}/disks/{target}/grow. */
    public record GrowRequest(Long sizeMiB) {
    }

    /**
     * The body of POST /api/v1/guests/{id}/disks: a new volume ({@code pool}, {@code sizeMiB}, {@code format}), or an
     * existing one ({@code pool}, {@code volume}, {@code shareable}).
     */
    public record DiskRequest(String pool, Long sizeMiB, String format, String volume, Boolean shareable) {

        public DiskRequest(String pool, Long sizeMiB, String format) {
            this(pool, sizeMiB, format, null, null);
        }
    }

    private void unplug(Guest guest, AuditAction action, String what, Runnable checkRequest, BooleanSupplier detach) {
        plans.plan(guest, action).check(checkRequest).check(plans.live(guest, live -> pluggable(guest, live.state())))
                .run(() -> {
            if (!detach.getAsBoolean()) {
                throw VirtdeckException.conflict("'" + guest.name() + "' has not let go of its " + what + " after "
                        + RELEASE_PATIENCE.toSeconds() + " s: its OS must agree to unplug it (ACPI hot-plug). It is"
                        + " removed from its definition; shut the guest down to remove it for good.");
            }
            return Done.noted(what + " unplugged");
        });
    }

    static void pluggable(Guest guest, DomainRunState state) {
        if (state != DomainRunState.RUNNING && state != DomainRunState.SHUTOFF) {
            throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(state)
                    + ": devices are plugged into a running or shut-off guest.");
        }
    }

    PoolFacts activePool(Guest guest, String name) {
        return storageGateway.pools(guest.hostId()).stream().filter(p -> p.name().equals(name) && p.active())
                .findFirst()
                .orElseThrow(() -> VirtdeckException.invalid("pool", "There is no active pool '" + name
                        + "' on host '" + guest.hostName() + "'."));
    }
}
