package io.virtdeck.backup;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.StorageGateway;

/**
 * Deletes a guest's backups in a store that its job's retention no longer keeps: their volumes, newest first (an
 * overlay before what it is backed by), then their catalogue rows. Failed points, which hold no files, stay as a record.
 */
@Component
class BackupPrune {

    private final BackupRepository repository;
    private final StorageGateway storage;

    BackupPrune(BackupRepository repository, StorageGateway storage) {
        this.repository = repository;
        this.storage = storage;
    }

    /** Returns what it did, in words. */
    String prune(UUID guestUuid, BackupStore store, Retention retention, ZoneId zone) {
        List<BackupPoint> complete = repository.pointsOfGuest(guestUuid).stream()
                .filter(p -> p.storeId() == store.id() && p.state() == BackupPoint.State.COMPLETE).toList();
        Set<Long> keep = retention.keep(complete.stream()
                .map(p -> new Retention.Taken(p.id(), p.chainId(), p.seq(), p.startedAt())).toList(), zone);
        List<BackupPoint> doomed = new ArrayList<>(complete.stream().filter(p -> !keep.contains(p.id())).toList());
        doomed.sort(Comparator.comparing(BackupPoint::chainId).thenComparing(BackupPoint::seq, Comparator.reverseOrder()));
        List<String> left = new ArrayList<>();
        int deleted = 0;
        for (BackupPoint point : doomed) {
            try {
                for (BackupPoint.Disk disk : point.disks()) {
                    if (storage.volume(store.hostId(), store.pool(), disk.volume()).isPresent()) {
                        storage.deleteVolume(store.hostId(), store.pool(), disk.volume());
                    }
                }
                repository.deletePoint(point.id());
                deleted++;
            } catch (HypervisorException e) {
                left.add("backup " + point.id() + " (" + e.getMessage() + ")");
            }
        }
        return "Retention kept " + keep.size() + " backup(s) and deleted " + deleted
                + (left.isEmpty() ? "." : "; could not delete " + String.join(", ", left) + ".");
    }
}
