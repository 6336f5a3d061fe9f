package io.virtdeck.undo;

import io.virtdeck.VirtdeckInstance;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.hypervisor.DiskCopyGateway;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.SnapshotGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.task.TaskService;

import static org.mockito.Mockito.mock;

/**
 * For unit tests of a work's steps: a journal that takes things back through these gateways and records nothing (no
 * volume is in use by a guest).
 */
public final class UndoJournals {

    private UndoJournals() {
    }

    public static UndoJournal unrecorded(DomainGateway domains, StorageGateway storage) {
        return new UndoJournal(mock(UnfinishedWorkRepository.class),
                new Removal(domains, storage, mock(SnapshotGateway.class), mock(ExpectedGuestChanges.class),
                        mock(DiskCopyGateway.class)), new VirtdeckInstance(),
                mock(TaskService.class), mock(ActionRunner.class), Runnable::run);
    }
}
