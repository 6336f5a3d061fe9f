package io.virtdeck.guest.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.inventory.Guest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** libvirt's refusals, as the lab's libvirt 9 and QEMU word them, read in an operator's words. */
class SnapshotRefusalsTest {

    private final Guest guest = new Guest(1, "web-01", UUID.randomUUID(), 1, "lab1", DomainRunState.RUNNING, 2, 512,
            false, true, false, "hvm", List.of(), List.of(), List.of(), null, Instant.now(), false,
            false);

    @Test
    void aRevertRefusedForHotPluggedVcpusSaysSoAndWhatToDo() {
        String message = SnapshotRefusals.explain(guest, "Reverting to snapshot 'p2'", failed(
                HypervisorException.INTERNAL_ERROR, "internal error: qemu"
                + " unexpectedly closed the monitor: 2026-11-21T21:29:46.065001Z qemu-system-x86_64: Unknown savevm"
                + " section or instance 'cpu_common' 1. Make sure that your current VM setup matches your saved VM"
                + " setup, including any hotplugged devices\n qemu-system-x86_64: Error -22 while loading VM state"));
        assertThat(message).startsWith("Reverting to snapshot 'p2' failed because the vCPU count of 'web-01' can"
                + " change while it runs (hot-pluggable vCPUs)").contains("fixed vCPU count").contains("cpu_common");
    }

    @Test
    void aRawDiskIsNamedAsTheReason() {
        String message = SnapshotRefusals.explain(guest, "Taking snapshot 's1'", failed(
                HypervisorException.CONFIG_UNSUPPORTED, "unsupported configuration: internal snapshot for disk vda"
                + " unsupported for storage type raw"));
        assertThat(message).contains("the disk format (raw) cannot hold internal snapshots; convert the disk to qcow2");
    }

    @Test
    void anythingElseReadsAsLibvirtWordedIt() {
        assertThat(SnapshotRefusals.explain(guest, "Taking snapshot 's1'",
                failed(HypervisorException.OPERATION_FAILED, "something new")))
                .isEqualTo("Taking snapshot 's1' failed. libvirt refused: something new");
    }

    private static HypervisorException failed(int code, String message) {
        return new HypervisorException(HypervisorException.Kind.FAILED, code, message, null);
    }
}
