package io.virtdeck.guest.clone;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.virtdeck.action.Ending;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeCopier;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostState;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.UndoJournals;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The steps of a clone the test driver never fails or never lets happen (a cancel between disks, a define that
 * fails): whatever was made is taken back, and the progress names the disk being copied.
 */
class GuestCloningTest {

    private static final Host HOST = new Host(7, "kvm7", "qemu:///system", HostState.CONNECTED, null, Instant.now(),
            8, 16384L, 0, false, null, null);
    private static final Guest SOURCE = new Guest(3, "web", UUID.randomUUID(), 7, "kvm7", DomainRunState.SHUTOFF, 1,
            512, false, true, false, "hvm", List.of(), List.of(), List.of(), null, Instant.now(), false,
            false);

    private final DomainGateway domainGateway = mock(DomainGateway.class);
    private final StorageGateway storageGateway = mock(StorageGateway.class);
    private final VolumeStreamGateway streamGateway = mock(VolumeStreamGateway.class);
    private final GuestCloning cloning = new GuestCloning(domainGateway, storageGateway,
            new VolumeTransfer(streamGateway, new SimpleAsyncTaskExecutor("test-volume-stream-")),
            mock(GuestRepository.class), mock(InventorySync.class), mock(ExpectedGuestChanges.class),
            UndoJournals.unrecorded(domainGateway, storageGateway), mock(CloudInitService.class),
            new VolumeCopier(storageGateway, new SimpleAsyncTaskExecutor("test-volume-copy-")));
    private final ClonePlan plan = new ClonePlan(HOST, SOURCE, HOST, "web-2", UUID.randomUUID(), false, List.of(
            disk("vda", "web.qcow2", "web-2-vda.qcow2"), disk("vdb", "data.qcow2", "web-2-vdb.qcow2")), null);
    private final List<String> messages = new ArrayList<>();

    GuestCloningTest() {
        when(storageGateway.copyVolume(eq(7L), eq("default"), anyString(), eq("default"), anyString()))
                .thenAnswer(call -> volume(call.getArgument(4)));
    }

    @Test
    void aCancelBetweenDisksDeletesTheCopiesMade() {
        TaskCancelledException e = catchThrowableOfType(TaskCancelledException.class,
                () -> cloning.run(plan, progress(true), mock(Ending.class, RETURNS_SELF)));

        assertThat(e.getMessage()).isEqualTo("Cancelled: 'web-2' was not created. Nothing was left behind on host"
                + " 'kvm7'.");
        verify(storageGateway).deleteVolume(7, "default", "web-2-vda.qcow2");
        verify(storageGateway, never()).copyVolume(7, "default", "data.qcow2", "default", "web-2-vdb.qcow2");
        verify(domainGateway, never()).defineClone(anyLong(), any(), anyLong(), any(), any(), any());
        assertThat(messages).contains("Copying disk 1 of 2 (vda): 0 of 1024 MiB");
    }

    @Test
    void aDefineThatFailsDeletesEveryCopy() {
        doThrow(new HypervisorException(HypervisorException.Kind.FAILED, "XML error"))
                .when(domainGateway)
                .defineClone(eq(7L), eq(SOURCE.uuid()), eq(7L), eq("web-2"), eq(plan.uuid()), any());

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> cloning.run(plan, progress(false), mock(Ending.class, RETURNS_SELF)));

        assertThat(e.getMessage()).startsWith("Creating 'web-2' from 'web' failed while defining the clone:")
                .endsWith("Nothing was left behind on host 'kvm7'.");
        verify(storageGateway).deleteVolume(7, "default", "web-2-vda.qcow2");
        verify(storageGateway).deleteVolume(7, "default", "web-2-vdb.qcow2");
        assertThat(messages).contains("Copying disk 2 of 2 (vdb): 0 of 1024 MiB", "Defining 'web-2'");
    }

    /** A task whose cancel is asked for once the first disk is copied, when {@code cancelAfterFirst}. */
    private TaskProgress progress(boolean cancelAfterFirst) {
        return new TaskProgress() {
            private int asked;

            @Override
            public long taskId() {
                return 1;
            }

            @Override
            public void update(int percent, String message) {
                messages.add(message);
            }

            @Override
            public boolean cancelRequested() {
                return cancelAfterFirst && ++asked > 1;
            }

            @Override
            public void onCancel(Runnable abort) {
            }
        };
    }

    private static ClonePlan.DiskCopy disk(String target, String from, String copy) {
        return new ClonePlan.DiskCopy(target, "/images/" + from, "default", volume(from), copy);
    }

    private static VolumeFacts volume(String name) {
        return new VolumeFacts(name, "/images/" + name, VolumeFacts.Kind.FILE, "qcow2", 8192, 1024);
    }
}
