package io.virtdeck.container;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.HostFacts;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.security.Permissions;
import io.virtdeck.undo.UndoJournals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * A container create that fails after its define (the test driver never fails there) takes the container back; one
 * asked of a host that is not LXC defines nothing.
 */
class ContainerRollbackTest {

    private static final Host HOST = new Host(7, "lxc7", "lxc:///system", HostState.CONNECTED, null, Instant.now(),
            4, 8192L, 0, false, null, null);
    private static final ContainerCreateRequest REQUEST = new ContainerCreateRequest("ct", 1, 64L, "/srv/ct", false,
            null, true);

    private final HostGateway hostGateway = mock(HostGateway.class);
    private final DomainGateway domainGateway = mock(DomainGateway.class);
    private final ContainerService service;

    ContainerRollbackTest() {
        HostRepository hosts = mock(HostRepository.class);
        when(hosts.findById(7)).thenReturn(Optional.of(HOST));
        service = new ContainerService(hostGateway, domainGateway, hosts, mock(GuestRepository.class),
                mock(InventorySync.class), mock(ExpectedGuestChanges.class),
                new ActionRunner(mock(AuditLog.class), object -> { }),
                UndoJournals.unrecorded(domainGateway, mock(StorageGateway.class)), mock(Permissions.class));
    }

    @Test
    void anAutostartThatFailsUndefinesTheContainer() {
        driver("LXC");
        doThrow(new HypervisorException(HypervisorException.Kind.UNREACHABLE, "connection lost"))
                .when(domainGateway).setAutostart(eq(7L), any(), eq(true));
        when(domainGateway.domain(eq(7L), any())).thenAnswer(call -> new DomainFacts(call.getArgument(1), "ct",
                DomainRunState.SHUTOFF, 1, 64, false, true, false, "exe", List.of(), List.of(), List.of(), true));

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> service.create(7, REQUEST));

        assertThat(e.status().value()).isEqualTo(409);
        assertThat(e.getMessage()).startsWith("Creating container 'ct' failed while setting autostart:")
                .endsWith("Nothing was left behind on host 'lxc7'.");
        verify(domainGateway).defineContainer(eq(7L), any());
        verify(domainGateway).undefine(eq(7L), any(), eq(false));
    }

    @Test
    void aQemuHostIsRefusedBeforeAnythingIsDefined() {
        driver("QEMU");

        VirtdeckException e = catchThrowableOfType(VirtdeckException.class, () -> service.create(7, REQUEST));

        assertThat(e.status().value()).isEqualTo(409);
        assertThat(e.getMessage()).contains("runs QEMU, not LXC");
        verify(domainGateway, never()).defineContainer(anyLong(), any());
    }

    private void driver(String type) {
        when(hostGateway.hostFacts(7)).thenReturn(new HostFacts("lxc7", type, "x86_64", "x86_64", 4, 1, 4, 1, 2400,
                8192, 1, false, List.of(), List.of()));
    }
}
