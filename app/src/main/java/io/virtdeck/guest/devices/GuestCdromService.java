package io.virtdeck.guest.devices;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.hypervisor.DeviceGateway;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;

/**
 * The CD-ROM drive of a guest: an image from a pool put in, or taken out, while the guest runs (its OS sees the
 * medium change) or while it is shut off. A shut-off guest without a drive gets a SCSI CD-ROM drive with the image;
 * a running one cannot (a drive is not hot-plugged).
 */
@Service
public class GuestCdromService {

    private final GuestRepository guests;
    private final GuestActionPlans plans;
    private final DeviceGateway deviceGateway;
    private final StorageGateway storageGateway;
    private final GuestDevicesService devices;

    GuestCdromService(GuestRepository guests, GuestActionPlans plans, DeviceGateway deviceGateway,
                      StorageGateway storageGateway, GuestDevicesService devices) {
        this.guests = guests;
        this.plans = plans;
        this.deviceGateway = deviceGateway;
        this.storageGateway = storageGateway;
        this.devices = devices;
    }

    /** The body of POST /api/v1/guests/{id}/cdrom/insert; {@code target} picks one of several drives (sda). */
    public record InsertRequest(String pool, String volume, String target) {
    }

    /** The body of POST /api/v1/guests/{id}/cdrom/eject. */
    public record EjectRequest(String target) {
    }

    /** Puts the pool's volume into the guest's CD-ROM drive (the first one unless {@code target} names another). */
    public Guest insert(long guestId, InsertRequest request) {
        Guest guest = guests.require(guestId);
        AtomicReference<String> drive = new AtomicReference<>();
        plans.plan(guest, AuditAction.GUEST_CDROM_INSERT).check(() -> {
            PoolFacts pool = devices.activePool(guest, request.pool());
            VolumeFacts volume = storageGateway.volume(guest.hostId(), pool.name(), String.valueOf(request.volume()))
                    .orElseThrow(() -> VirtdeckException.invalid("volume", "Pool '" + pool.name() + "' has no volume '"
                            + request.volume() + "'."));
            if (!volume.iso() && !"raw".equals(volume.format())) {
                throw VirtdeckException.invalid("volume", "'" + volume.name() + "' is a " + volume.format()
                        + " disk image, not an installation image (.iso) a CD-ROM drive reads.");
            }
        }).check(plans.live(guest, live -> {
            GuestDevicesService.pluggable(guest, live.state());
            List<DiskFacts> drives = drives(live);
            if (drives.isEmpty() && live.state() != DomainRunState.SHUTOFF) {
                throw VirtdeckException.conflict("target", "'" + guest.name() + "' has no CD-ROM drive, and a drive"
                        + " cannot be added while it runs: shut it down and insert the image then (a drive is added).");
            }
            drive.set(drives.isEmpty() ? null : drive(guest, drives, request.target()).target());
        })).run(() -> {
            String target = drive.get() == null
                    ? deviceGateway.attachCdrom(guest.hostId(), guest.uuid(), request.pool(), request.volume())
                    : change(guest, drive.get(), request.pool(), request.volume());
            return Done.noted(request.pool() + "/" + request.volume() + " inserted into the CD-ROM drive " + target
                    + (drive.get() == null ? " (a new SCSI drive)" : ""));
        });
        return guests.require(guestId);
    }

    /** Takes the image out of the guest's CD-ROM drive (the first one unless {@code target} names another). */
    public Guest eject(long guestId, EjectRequest request) {
        Guest guest = guests.require(guestId);
        AtomicReference<DiskFacts> drive = new AtomicReference<>();
        plans.plan(guest, AuditAction.GUEST_CDROM_EJECT).check(plans.live(guest, live -> {
            GuestDevicesService.pluggable(guest, live.state());
            List<DiskFacts> drives = drives(live);
            if (drives.isEmpty()) {
                throw VirtdeckException.conflict("target", "'" + guest.name() + "' has no CD-ROM drive.");
            }
            DiskFacts chosen = drive(guest, drives, request == null ? null : request.target());
            if (chosen.source() == null) {
                throw VirtdeckException.conflict("target", "The CD-ROM drive " + chosen.target() + " of '"
                        + guest.name() + "' is empty.");
            }
            drive.set(chosen);
        })).run(() -> {
            change(guest, drive.get().target(), null, null);
            return Done.noted(drive.get().source() + " ejected from the CD-ROM drive " + drive.get().target());
        });
        return guests.require(guestId);
    }

    private String change(Guest guest, String target, String pool, String volume) {
        deviceGateway.changeCdromMedia(guest.hostId(), guest.uuid(), target, pool, volume);
        return target;
    }

    private static List<DiskFacts> drives(DomainFacts live) {
        return live.disks().stream().filter(d -> "cdrom".equals(d.device())).toList();
    }

    private static DiskFacts drive(Guest guest, List<DiskFacts> drives, String target) {
        if (target == null || target.isBlank()) {
            return drives.get(0);
        }
        return drives.stream().filter(d -> target.equals(d.target())).findFirst()
                .orElseThrow(() -> VirtdeckException.invalid("target", "'" + guest.name() + "' has no CD-ROM drive at "
                        + target + "; its drives: " + String.join(", ", drives.stream().map(DiskFacts::target)
                        .toList()) + "."));
    }
}
