package io.virtdeck.backup;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * Deletes a guest's backups in a store that its job's retention no longer keeps: their volumes, newest first (an
 * overlay before what it is backed by), then their catalogue rows. Failed points, which hold no files, stay as a record.
 */
@Component
class BackupPrune {

    private final BackupRepository repository;
    private final StoreFilesFactory files;

    BackupPrune(BackupRepository repository, StoreFilesFactory files) {
        this.repository = repository;
        this.files = files;
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
            List<String> notDeleted = files.of(store).delete(point.disks().stream().map(BackupPoint.Disk::volume)
                    .toList());
            if (notDeleted.isEmpty()) {
                repository.deletePoint(point.id());
                deleted++;
            } else {
                left.add("backup " + point.id() + " (" + String.join(", ", notDeleted) + ")");
            }
        }
        return "Retention kept " + keep.size() + " backup(s) and deleted " + deleted
                + (left.isEmpty() ? "." : "; could not delete " + String.join(", ", left) + ".");
    }
}
