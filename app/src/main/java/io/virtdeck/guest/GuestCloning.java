package io.virtdeck.guest;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.audit.AuditLog;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.hypervisor.HypervisorException;
import io.virtdeck.hypervisor.HypervisorGateway;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.web.HypervisorErrors;
import io.virtdeck.web.VirtdeckException;

/**
 * The work of a clone task: copies (or links) the disks one by one, then defines the clone. Progress is disk i of n
 * and, for a full copy, the MiB the new volume holds so far (libvirt reports no progress for volume copies). A cancel
 * takes effect between disks. A failure or a cancel takes back every volume made and the definition, so that nothing
 * is left on the host.
 */
@Component
class GuestCloning {

    private static final long POLL_MS = 500;
    /** The share of the progress bar the disks take; defining the clone is the rest. */
    private static final int DISKS_PERCENT = 95;

    private final HypervisorGateway gateway;
    private final GuestRepository guests;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final AuditLog audit;
    // a volume copy blocks for as long as it runs; the task's own thread reports its progress meanwhile
    private final ExecutorService copyCalls = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "libvirt-volume-copy");
        thread.setDaemon(true);
        return thread;
    });

    GuestCloning(HypervisorGateway gateway, GuestRepository guests, InventorySync sync, ExpectedGuestChanges expected,
                 AuditLog audit) {
        this.gateway = gateway;
        this.guests = guests;
        this.sync = sync;
        this.expected = expected;
        this.audit = audit;
    }

    String run(ClonePlan plan, TaskProgress progress) throws InterruptedException, TaskCancelledException {
        long hostId = plan.host().id();
        MadeOnHost made = new MadeOnHost(gateway, plan.host(), plan.name());
        Map<String, PooledVolume> copies = new HashMap<>();
        String step = "starting";
        try {
            for (int i = 0; i < plan.disks().size(); i++) {
                ClonePlan.DiskCopy disk = plan.disks().get(i);
                stopIfCancelled(plan, progress, made);
                step = (plan.linked() ? "linking" : "copying") + " disk " + disk.target();
                VolumeFacts copy = copy(plan, i, progress);
                made.volume(disk.pool(), disk.copyName());
                copies.put(disk.sourceRef(), new PooledVolume(disk.pool(), copy));
            }
            stopIfCancelled(plan, progress, made);
            step = "defining the clone";
            progress.update(DISKS_PERCENT, "Defining '" + plan.name() + "'");
            expected.expect(hostId, plan.uuid()); // its DEFINED event is Virtdeck's doing
            gateway.defineClone(hostId, plan.source().uuid(), plan.name(), plan.uuid(), copies);
            made.defined(plan.uuid());
        } catch (HypervisorException e) {
            String failed = "Creating '" + plan.name() + "' from '" + plan.source().name() + "' failed while " + step
                    + ": " + HypervisorErrors.message(e) + " " + made.undo();
            audit.record(GuestCloneService.TASK_TYPE, new AuditObject("guest", null, plan.name()), Outcome.FAILURE,
                    failed);
            throw VirtdeckException.conflict(failed);
        }
        sync.refreshOrRemove(hostId, plan.uuid());
        String done = "Created " + plan.describe() + ".";
        audit.record(GuestCloneService.TASK_TYPE, guests.findByHostAndUuid(hostId, plan.uuid())
                .map(g -> AuditObject.guest(g.id(), g.name()))
                .orElse(new AuditObject("guest", null, plan.name())), Outcome.SUCCESS, done);
        return done;
    }

    private void stopIfCancelled(ClonePlan plan, TaskProgress progress, MadeOnHost made) throws TaskCancelledException {
        if (progress.cancelRequested()) {
            String cancelled = "Cancelled: '" + plan.name() + "' was not created. " + made.undo();
            audit.record(GuestCloneService.TASK_TYPE, new AuditObject("guest", null, plan.name()), Outcome.FAILURE,
                    cancelled);
            throw new TaskCancelledException(cancelled);
        }
    }

    /** Copies or links disk {@code index}, reporting how far the copy got while libvirt makes it. */
    private VolumeFacts copy(ClonePlan plan, int index, TaskProgress progress) throws InterruptedException {
        ClonePlan.DiskCopy disk = plan.disks().get(index);
        long hostId = plan.host().id();
        String which = "disk " + (index + 1) + " of " + plan.disks().size() + " (" + disk.target() + ")";
        int base = index * DISKS_PERCENT / plan.disks().size();
        int share = DISKS_PERCENT / plan.disks().size();
        if (plan.linked()) {
            progress.update(base, "Linking " + which + " to " + disk.pool() + "/" + disk.from().name());
            return gateway.linkVolume(hostId, disk.pool(), disk.from().name(), disk.copyName());
        }
        CompletableFuture<VolumeFacts> call = CompletableFuture.supplyAsync(() ->
                gateway.copyVolume(hostId, disk.pool(), disk.from().name(), disk.copyName()), copyCalls);
        long total = disk.from().allocationMiB();
        long copied = 0;
        while (true) {
            progress.update(base + (int) (total == 0 ? 0 : share * Math.min(copied, total) / total),
                    "Copying " + which + ": " + copied + " of " + total + " MiB");
            try {
                return call.get(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                copied = allocated(hostId, disk).orElse(copied);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof HypervisorException h ? h
                        : new HypervisorException(HypervisorException.Kind.FAILED, String.valueOf(e.getCause()), e);
            }
        }
    }

    /** How much the copy holds so far; empty when libvirt cannot say now (the copy goes on regardless). */
    private Optional<Long> allocated(long hostId, ClonePlan.DiskCopy disk) {
        try {
            return gateway.volume(hostId, disk.pool(), disk.copyName()).map(VolumeFacts::allocationMiB);
        } catch (HypervisorException e) {
            return java.util.Optional.empty();
        }
    }

    @PreDestroy
    void stop() {
        copyCalls.shutdownNow();
    }
}
