package io.virtdeck.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.CheckpointFacts;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Guest;

/**
 * Decides what a backup does: an incremental one when the guest's newest point in the store can be continued, else a
 * full one with the reason (the first backup, asked for, or why the chain cannot go on: its checkpoint lost, a disk
 * added, removed, replaced or resized, the guest moved to another host); and where libvirt writes it: into the store's
 * pool, or into a pool of the guest's host first when the store is elsewhere (another host, the Virtdeck server).
 */
@Component
class BackupPlanner {

    private final DomainGateway domains;
    private final BackupGateway backups;
    private final BackupRepository repository;
    private final StorageGateway storage;
    private final StoreFilesFactory files;

    BackupPlanner(DomainGateway domains, BackupGateway backups, BackupRepository repository, StorageGateway storage,
                  StoreFilesFactory files) {
        this.domains = domains;
        this.backups = backups;
        this.repository = repository;
        this.storage = storage;
        this.files = files;
    }

    BackupPlan plan(Guest guest, BackupStore store, boolean fullAsked, boolean quiesce) {
        List<BackupPoint.Disk> disks = new ArrayList<>();
        for (DiskFacts disk : domains.domain(guest.hostId(), guest.uuid()).disks()) {
            if (!"disk".equals(disk.device())) {
                continue; // CD-ROMs and floppies hold installation media, not the guest's data
            }
            if (!"qcow2".equals(disk.format())) {
                throw VirtdeckException.conflict("Disk " + disk.target() + " of '" + guest.name() + "' is "
                        + (disk.format() == null ? "of no known format" : disk.format())
                        + ": backups need qcow2 disks (their dirty bitmaps track what changed).");
            }
            disks.add(new BackupPoint.Disk(disk.target(), disk.source(), null,
                    backups.diskBytes(guest.hostId(), disk.source())));
        }
        if (disks.isEmpty()) {
            throw VirtdeckException.conflict("'" + guest.name() + "' has no disk to back up.");
        }
        String definition = backups.definition(guest.hostId(), guest.uuid());
        Optional<BackupPoint> base = repository.latestPoint(guest.uuid(), store.id())
                .flatMap(latest -> repository.latestComplete(latest.chainId()));
        String fullReason;
        if (fullAsked) {
            fullReason = "a full backup was asked for";
        } else if (base.isEmpty()) {
            fullReason = "the first backup of '" + guest.name() + "' in store '" + store.name() + "'";
        } else {
            fullReason = whyNotContinue(guest, base.get(), disks);
        }
        return new BackupPlan(guest, store, fullReason == null ? base.get() : null, fullReason, disks, definition,
                quiesce, stagingPool(guest, store, disks.get(0)));
    }

    /**
     * Where libvirt writes a backup for a store on another host: the pool of the guest's first disk, which has the
     * room the disk took. None when the guest's host reaches the store's pool itself.
     */
    private String stagingPool(Guest guest, BackupStore store, BackupPoint.Disk first) {
        if (files.of(store).reachedBy(guest.hostId())) {
            return null;
        }
        return storage.diskVolume(guest.hostId(), first.source()).map(PooledVolume::pool).orElseThrow(() ->
                VirtdeckException.conflict("storeId", "Store '" + store.name() + "' is not on that host, and disk "
                        + first.disk() + " of '" + guest.name() + "' is in no storage pool of host " + guest.hostName()
                        + " to write the backup into before it streams there: use a store on " + guest.hostName()
                        + "."));
    }

    /** Why the chain of {@code base} cannot go on for the guest as it is now; null when it can. */
    private String whyNotContinue(Guest guest, BackupPoint base, List<BackupPoint.Disk> now) {
        if (base.hostId() != guest.hostId()) {
            return "the guest moved to host " + guest.hostName() + ", which does not have the checkpoint of its last"
                    + " backup";
        }
        String changed = BackupChains.diskChange(base.disks(), now);
        if (changed != null) {
            return changed;
        }
        Map<String, CheckpointFacts> checkpoints = backups.checkpoints(guest.hostId(), guest.uuid()).stream()
                .collect(Collectors.toMap(CheckpointFacts::name, Function.identity()));
        CheckpointFacts checkpoint = checkpoints.get(base.checkpoint());
        if (checkpoint == null) {
            return "checkpoint " + base.checkpoint() + " of the last backup is no longer on the guest";
        }
        for (BackupPoint.Disk disk : now) {
            if (!checkpoint.disks().contains(disk.disk())) {
                return "checkpoint " + base.checkpoint() + " has no bitmap for disk " + disk.disk();
            }
        }
        return null;
    }
}
