package io.virtdeck.guest.create;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditEntry;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainSpec;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.GuestPlatform;
import io.virtdeck.hypervisor.GuestVirtualization;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.NewVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.guest.cloudinit.CloudInitService;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.UndoJournals;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The rollback of a create that fails at the steps libvirt's test driver never fails (define, autostart): whatever
 * was made is taken back, last first, and what cannot be taken back is named. The API test proves the volume step
 * against libvirt itself.
 */
class GuestCreateRollbackTest {

    private static final Host HOST = new Host(7, "kvm7", "qemu:///system", HostState.CONNECTED, null, Instant.now(),
            8, 16384L, 0, false, null, null);
    private static final GuestCreateRequest REQUEST = new GuestCreateRequest("web", 1, 512L, List.of(), null,
            List.of(), null, null, null, true, null, null, null, null, null);

    private final HostGateway hostGateway = mock(HostGateway.class);
    private final DomainGateway domainGateway = mock(DomainGateway.class);
    private final StorageGateway storageGateway = mock(StorageGateway.class);
    private final GuestCreatePlanner planner = mock(GuestCreatePlanner.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final GuestCreateService service;
    private final GuestPlan plan = new GuestPlan(HOST, UUID.randomUUID(), "web",
            new GuestPlatform(GuestVirtualization.KVM, "x86_64", "q35", null, false, null), 1, 512,
            List.of(newDisk("web-disk1.qcow2"), newDisk("web-disk2.qcow2")), null, List.of(),
            List.of(DomainSpec.BootDevice.HD), false, true, true, null, null);

    GuestCreateRollbackTest() {
        HostRepository hosts = mock(HostRepository.class);
        when(hosts.findById(7)).thenReturn(Optional.of(HOST));
        service = new GuestCreateService(planner, hostGateway, domainGateway, storageGateway, hosts,
                mock(GuestRepository.class), mock(InventorySync.class), mock(ExpectedGuestChanges.class),
                new ActionRunner(audit, object -> { }), UndoJournals.unrecorded(domainGateway, storageGateway),
                mock(CloudInitService.class), mock(Permissions.class));
    }

    @BeforeEach
    void volumesCanBeMade() {
        when(planner.plan(HOST, REQUEST)).thenReturn(plan);
        when(storageGateway.createVolume(eq(7L), eq("default"), any())).thenAnswer(call -> {
            NewVolume volume = call.getArgument(2);
            return new VolumeFacts(volume.name(), "/images/" + volume.name(), VolumeFacts.Kind.FILE, "qcow2",
                    volume.capacityMiB(), 0);
        });
    }

    @Test
    void aDefineThatFailsDeletesTheNewVolumesLastFirst() {
        doThrow(new HypervisorException(HypervisorException.Kind.FAILED, "XML error: bad"))
                .when(domainGateway).define(eq(7L), any());

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> service.create(7, REQUEST));

        assertThat(e.status().value()).isEqualTo(422);
        assertThat(e.getMessage()).isEqualTo("Creating 'web' failed while defining the guest: libvirt refused:"
                + " XML error: bad. Nothing was left behind on host 'kvm7'.");
        InOrder order = inOrder(storageGateway);
        order.verify(storageGateway).deleteVolume(7, "default", "web-disk2.qcow2");
        order.verify(storageGateway).deleteVolume(7, "default", "web-disk1.qcow2");
        verify(domainGateway, never()).undefine(anyLong(), any(), anyBoolean());
        verify(audit).recordAs(any(), eq(AuditAction.GUEST_CREATE), any(), eq(AuditEntry.Outcome.FAILURE),
                eq(e.getMessage()));
    }

    @Test
    void anAutostartThatFailsUndefinesTheGuestAndDeletesItsVolumes() {
        doThrow(new HypervisorException(HypervisorException.Kind.UNREACHABLE, "connection lost"))
                .when(domainGateway).setAutostart(7, plan.uuid(), true);
        when(domainGateway.domain(7, plan.uuid())).thenReturn(new DomainFacts(plan.uuid(), "web",
                DomainRunState.SHUTOFF, 1, 512, false, true, false, "hvm", List.of(), List.of(), List.of(),
                false));

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> service.create(7, REQUEST));

        assertThat(e.status().value()).isEqualTo(409);
        assertThat(e.getMessage()).startsWith("Creating 'web' failed while setting autostart:");
        verify(domainGateway).undefine(7, plan.uuid(), false);
        verify(storageGateway).deleteVolume(7, "default", "web-disk1.qcow2");
        verify(storageGateway).deleteVolume(7, "default", "web-disk2.qcow2");
    }

    @Test
    void whatCannotBeTakenBackIsNamedForThePersonToRemove() {
        doThrow(new HypervisorException(HypervisorException.Kind.FAILED, "no")).when(domainGateway)
                .define(eq(7L), any());
        doThrow(new HypervisorException(HypervisorException.Kind.UNREACHABLE, "gone"))
                .when(storageGateway).deleteVolume(7, "default", "web-disk1.qcow2");

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> service.create(7, REQUEST));

        assertThat(e.getMessage()).endsWith("Left behind on host 'kvm7', to remove by hand: volume"
                + " default/web-disk1.qcow2.");
        verify(storageGateway).deleteVolume(7, "default", "web-disk2.qcow2");
    }

    private static GuestPlan.PlannedDisk newDisk(String name) {
        return new GuestPlan.PlannedDisk("default", new NewVolume(name, 1024, "qcow2"), null);
    }
}
