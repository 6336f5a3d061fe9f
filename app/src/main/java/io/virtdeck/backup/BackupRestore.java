package io.virtdeck.backup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestNames;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.hypervisor.VolumeTransfer;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * Restores a backup point as a new guest, on the store's host or another: each disk read through its chain (the full
 * backup and the incrementals up to the point) into a standalone qcow2 volume, streamed through Virtdeck to a host
 * that does not reach the store, then the guest's definition as it was backed up, with a new name, UUID and MAC
 * addresses. Progress is the MiB the new volumes hold; a cancel takes effect between disks. A failure or
 * a cancel takes back every volume made and the definition.
 */
@Component
class BackupRestore {

    private static final long POLL_MS = 500;
    private static final int DISKS_PERCENT = 95;

    private final BackupGateway backups;
    private final BackupRepository repository;
    private final DomainGateway domains;
    private final StorageGateway storage;
    private final HostRepository hosts;
    private final GuestRepository guests;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final Executor copyCalls;
    private final UndoJournal journal;
    private final VolumeTransfer transfer;
    private final StoreFilesFactory storeFiles;

    BackupRestore(BackupGateway backups, BackupRepository repository, DomainGateway domains, StorageGateway storage,
                  HostRepository hosts, GuestRepository guests, InventorySync sync, ExpectedGuestChanges expected,
                  UndoJournal journal, VolumeTransfer transfer, StoreFilesFactory storeFiles,
                  @Qualifier(ThreadPools.VOLUME_COPY_CALLS) Executor copyCalls) {
        this.journal = journal;
        this.transfer = transfer;
        this.storeFiles = storeFiles;
        this.backups = backups;
        this.repository = repository;
        this.domains = domains;
        this.storage = storage;
        this.hosts = hosts;
        this.guests = guests;
        this.sync = sync;
        this.expected = expected;
        this.copyCalls = copyCalls;
    }

    RestorePlan plan(BackupPoint point, BackupStore store, RestoreRequest request) {
        requireComplete(point);
        if (request.hostId() != null && hosts.findById(request.hostId()).isEmpty()) {
            throw VirtdeckException.invalid("hostId", "There is no host with id " + request.hostId() + ".");
        }
        Host host = hosts.require(request.hostId() != null ? request.hostId() : defaultHost(point, store));
        if (repository.chainUpTo(point.chainId(), point.seq()).size() != point.seq() + 1) {
            throw VirtdeckException.conflict("A backup this one builds on is missing or incomplete: it cannot be"
                    + " restored.");
        }
        String name = GuestNames.check(request.name(), domains.listDomains(host.id()));
        String pool = request.pool() != null && !request.pool().isBlank() ? request.pool()
                : poolOf(host.id(), point.disks().get(0).source()).orElseThrow(() -> VirtdeckException.invalid("pool",
                        "pool is required: the pool the restored disks go to."));
        if (storage.pools(host.id()).stream().noneMatch(p -> p.name().equals(pool) && p.active())) {
            throw VirtdeckException.invalid("pool", "Host '" + host.name() + "' has no running storage pool '" + pool
                    + "'.");
        }
        RestorePlan plan = new RestorePlan(point, store, host, name, UUID.randomUUID(), pool,
                repository.definition(point.id()));
        for (BackupPoint.Disk disk : point.disks()) {
            if (storage.volume(host.id(), pool, plan.volumeName(disk.disk())).isPresent()) {
                throw VirtdeckException.conflict("name", "Pool '" + pool + "' already has a volume named '"
                        + plan.volumeName(disk.disk()) + "'; choose another name.");
            }
        }
        return plan;
    }

    /**
     * A restore over the guest the point was taken of: it must still be on the host it was backed up on, shut off (409
     * naming {@code inPlace}), have each disk of the point in a pool, and {@code confirm} must be its name (400).
     */
    InPlacePlan planInPlace(BackupPoint point, BackupStore store, RestoreRequest request) {
        requireComplete(point);
        Host host = hosts.require(point.hostId());
        Guest guest = guests.findByHostAndUuid(host.id(), point.guestUuid()).orElseThrow(() ->
                VirtdeckException.conflict("inPlace", "'" + point.guestName() + "' is no longer on host '"
                        + host.name() + "': restore the backup as a new guest."));
        if (guest.state() != DomainRunState.SHUTOFF) {
            throw VirtdeckException.conflict("inPlace", "'" + guest.name() + "' is " + guest.state().name()
                    .toLowerCase(Locale.ROOT) + ": shut it off first; a restore in place overwrites its disks.");
        }
        Map<String, String> sources = new HashMap<>();
        for (DiskFacts disk : domains.domain(host.id(), guest.uuid()).disks()) {
            sources.put(disk.target(), disk.source());
        }
        Map<String, InPlacePlan.Current> current = new LinkedHashMap<>();
        for (BackupPoint.Disk disk : point.disks()) {
            String source = sources.get(disk.disk());
            PooledVolume volume = source == null ? null : storage.diskVolume(host.id(), source).orElse(null);
            if (volume == null) {
                throw VirtdeckException.conflict("inPlace", "'" + guest.name() + "' has no disk " + disk.disk()
                        + " in a storage pool now: restore the backup as a new guest.");
            }
            current.put(disk.disk(), new InPlacePlan.Current(source, volume));
        }
        if (!guest.name().equals(request.confirm())) {
            throw VirtdeckException.invalid("confirm", "confirm must be the guest's name, '" + guest.name()
                    + "': its disks " + String.join(", ", current.entrySet().stream().map(e -> e.getKey() + " ("
                    + e.getValue().volume().pool() + "/" + e.getValue().volume().volume().name() + ")").toList())
                    + " are overwritten with " + describe(point) + ", and what they hold now is lost.");
        }
        return new InPlacePlan(point, store, host, guest, current);
    }

    String runInPlace(InPlacePlan plan, TaskProgress progress, Ending ending) throws InterruptedException {
        try (MadeSoFar made = journal.begin(AuditAction.BACKUP_RESTORE, AuditObject.guest(plan.guest().id(),
                plan.guest().name()), progress.taskId())) {
            return runInPlace(plan, progress, ending, made);
        }
    }

    private String runInPlace(InPlacePlan plan, TaskProgress progress, Ending ending, MadeSoFar made)
            throws InterruptedException {
        long hostId = plan.host().id();
        Map<String, PooledVolume> restored = new HashMap<>();
        try {
            int count = plan.point().disks().size();
            for (int i = 0; i < count; i++) {
                BackupPoint.Disk disk = plan.point().disks().get(i);
                if (progress.cancelRequested()) {
                    throw new TaskCancelledException("cancelled");
                }
                InPlacePlan.Current now = plan.current().get(disk.disk());
                VolumeFacts volume = copy(plan.store(), plan.host(), plan.point(), disk, now.volume().pool(),
                        now.restoredName(plan.point().id()), progress.step(i * DISKS_PERCENT / count,
                                (i + 1) * DISKS_PERCENT / count), made);
                restored.put(now.source(), new PooledVolume(now.volume().pool(), volume));
            }
            progress.update(DISKS_PERCENT, "Pointing '" + plan.guest().name() + "' at its restored disks");
            expected.expect(hostId, plan.guest().uuid());
            backups.replaceDisks(hostId, plan.guest().uuid(), restored);
            made.done(); // the guest's disks now
        } catch (TaskCancelledException e) {
            String cancelled = "Cancelled: '" + plan.guest().name() + "' was not changed. " + made.undo();
            ending.failed(cancelled);
            throw new TaskCancelledException(cancelled);
        } catch (HypervisorException e) {
            String failed = "Restoring '" + plan.guest().name() + "' in place failed: " + HypervisorErrors.message(e)
                    + "; the guest was not changed. " + made.undo();
            ending.failed(failed);
            throw VirtdeckException.conflict(failed);
        }
        List<String> left = new ArrayList<>();
        for (InPlacePlan.Current now : plan.current().values()) {
            try {
                storage.deleteVolume(hostId, now.volume().pool(), now.volume().volume().name());
            } catch (HypervisorException e) {
                left.add(now.volume().pool() + "/" + now.volume().volume().name());
            }
        }
        sync.refreshOrRemove(hostId, plan.guest().uuid());
        String done = "Restored '" + plan.guest().name() + "' in place from " + describe(plan.point()) + "."
                + (left.isEmpty() ? "" : " Its former disks could not be deleted: " + String.join(", ", left) + ".");
        ending.succeeded(done);
        return done;
    }

    private static void requireComplete(BackupPoint point) {
        if (point.state() != BackupPoint.State.COMPLETE) {
            throw VirtdeckException.conflict("This backup " + (point.state() == BackupPoint.State.RUNNING
                    ? "is still being made" : "failed") + ": only a complete backup can be restored.");
        }
    }

    /** Where a restore goes when no host is named: the store's host, or for a directory the guest's own host. */
    private long defaultHost(BackupPoint point, BackupStore store) {
        if (!store.onServer()) {
            return store.hostId();
        }
        if (hosts.findById(point.hostId()).isEmpty()) {
            throw VirtdeckException.invalid("hostId", "hostId is required: the host '" + point.guestName()
                    + "' was backed up on is no longer known.");
        }
        return point.hostId();
    }

    /** The pool of a disk's source on the host: named in "pool/volume", or found by the volume's path. */
    Optional<String> poolOf(long hostId, String source) {
        if (!source.startsWith("/")) {
            return Optional.of(source.substring(0, source.indexOf('/')));
        }
        try {
            return storage.diskVolume(hostId, source).map(PooledVolume::pool);
        } catch (HypervisorException e) {
            return Optional.empty();
        }
    }

    String run(RestorePlan plan, TaskProgress progress, Ending ending) throws InterruptedException {
        try (MadeSoFar made = journal.begin(AuditAction.BACKUP_RESTORE, new AuditObject("guest", null, plan.name()),
                progress.taskId())) {
            return run(plan, progress, ending, made);
        }
    }

    private String run(RestorePlan plan, TaskProgress progress, Ending ending, MadeSoFar made)
            throws InterruptedException {
        long hostId = plan.host().id();
        Map<String, PooledVolume> restored = new HashMap<>();
        String step = "starting";
        try {
            int count = plan.point().disks().size();
            for (int i = 0; i < count; i++) {
                BackupPoint.Disk disk = plan.point().disks().get(i);
                if (progress.cancelRequested()) {
                    throw new TaskCancelledException("cancelled");
                }
                step = "restoring disk " + disk.disk();
                VolumeFacts volume = copy(plan.store(), plan.host(), plan.point(), disk, plan.pool(),
                        plan.volumeName(disk.disk()), progress.step(i * DISKS_PERCENT / count,
                                (i + 1) * DISKS_PERCENT / count), made);
                restored.put(disk.source(), new PooledVolume(plan.pool(), volume));
            }
            step = "defining the guest";
            progress.update(DISKS_PERCENT, "Defining '" + plan.name() + "'");
            expected.expect(hostId, plan.uuid());
            made.domain(plan.host(), plan.uuid(), plan.name(),
                    () -> backups.defineRestored(hostId, plan.definition(), plan.name(), plan.uuid(), restored));
            made.done();
        } catch (TaskCancelledException e) {
            String cancelled = "Cancelled: '" + plan.name() + "' was not restored. " + made.undo();
            ending.failed(cancelled);
            throw new TaskCancelledException(cancelled);
        } catch (HypervisorException e) {
            String failed = "Restoring '" + plan.point().guestName() + "' as '" + plan.name() + "' failed while " + step
                    + ": " + HypervisorErrors.message(e) + " " + made.undo();
            ending.failed(failed);
            throw VirtdeckException.conflict(failed);
        }
        sync.refreshOrRemove(hostId, plan.uuid());
        String done = "Restored " + describe(plan.point()) + " of '" + plan.point().guestName() + "' as '" + plan.name()
                + "' on host " + plan.host().name() + ".";
        ending.about(guests.findByHostAndUuid(hostId, plan.uuid()).map(g -> AuditObject.guest(g.id(), g.name()))
                .orElse(new AuditObject("guest", null, plan.name()))).succeeded(done);
        return done;
    }

    static String describe(BackupPoint point) {
        return (point.full() ? "the full backup" : "incremental backup " + point.seq()) + " of " + point.startedAt();
    }

    /**
     * Copies one disk of the point out of the store into a new volume on {@code host}. Where the host reaches the
     * store's pool (it is the store's host, or shares its storage) libvirt reads the chain there. From a pool of
     * another host, the disk is first made whole in the store's pool there, then streamed to {@code host}. From a
     * directory of the Virtdeck server, the chain's files are streamed into {@code pool} and the disk made whole
     * from them there. Temporary copies are deleted, and recorded until they are.
     */
    VolumeFacts copy(BackupStore store, Host host, BackupPoint point, BackupPoint.Disk disk, String pool, String name,
                     TaskProgress progress, MadeSoFar made) throws InterruptedException {
        StoreFiles files = storeFiles.of(store);
        if (files.reachedBy(host.id())) {
            return copy(host, files.pool(), disk, pool, name, progress, made);
        }
        try (MadeSoFar temporary = journal.begin(AuditAction.BACKUP_RESTORE, new AuditObject("backup",
                store.auditPrefix() + "/" + point.id(), disk.volume()))) {
            if (store.onServer()) {
                sendChain(files, host, point, disk, pool, progress.step(0, 50), temporary);
                copy(host, pool, disk, pool, name, progress.step(50, 100), made);
            } else {
                Host storeHost = hosts.require(store.hostId());
                String whole = name.replaceFirst("\\.qcow2$", "") + "-whole.qcow2";
                copy(storeHost, store.pool(), disk, store.pool(), whole, progress.step(0, 40), temporary);
                long bytes = transfer.bytes(storeHost.id(), store.pool(), whole);
                made.volume(host, pool, name, () -> transfer.createTarget(host.id(), pool, name, bytes));
                transfer.stream(new VolumeTransfer.Location(storeHost.id(), store.pool(), whole),
                        new VolumeTransfer.Location(host.id(), pool, name), bytes, new ByteProgress(
                                progress.step(40, 100), bytes, "Streamed disk " + disk.disk() + " to host "
                                + host.name() + ":"));
            }
            temporary.removeTemporary();
        }
        return storage.volume(host.id(), pool, name).orElseThrow(() -> new HypervisorException(
                HypervisorException.Kind.NOT_FOUND, "the restored volume " + pool + "/" + name + " is gone"));
    }

    /** Streams the files of the disk's chain, up to the point, into the host's pool under their own names. */
    private void sendChain(StoreFiles files, Host host, BackupPoint point, BackupPoint.Disk disk, String pool,
                           TaskProgress progress, MadeSoFar temporary) throws InterruptedException {
        List<String> chain = repository.chainUpTo(point.chainId(), point.seq()).stream()
                .flatMap(p -> p.disks().stream()).filter(d -> d.disk().equals(disk.disk()))
                .map(BackupPoint.Disk::volume).toList();
        long total = chain.stream().mapToLong(files::bytes).sum();
        ByteProgress bytes = new ByteProgress(progress, total, "Streamed disk " + disk.disk() + " to host "
                + host.name() + ":");
        long before = 0;
        for (String volume : chain) {
            long done = before;
            temporary.volume(host, pool, volume, () -> {
                files.send(volume, host.id(), pool, copied -> bytes.accept(done + copied));
                return null;
            });
            before += files.bytes(volume);
        }
    }

    /** Copies one disk out of the store on its host, reporting the MiB its new volume holds while libvirt writes it. */
    VolumeFacts copy(Host host, String storePool, BackupPoint.Disk disk, String pool, String name,
                     TaskProgress progress, MadeSoFar made) throws InterruptedException {
        // recorded before the copy: a half-made volume is taken back too, even after a kill
        return made.volume(host, pool, name, () -> copy(host.id(), storePool, disk, pool, name, progress));
    }

    private VolumeFacts copy(long hostId, String storePool, BackupPoint.Disk disk, String pool, String name,
                             TaskProgress progress) throws InterruptedException {
        CompletableFuture<VolumeFacts> call = CompletableFuture.supplyAsync(() -> backups.restoreVolume(hostId,
                storePool, disk.volume(), pool, name), copyCalls);
        ByteProgress bytes = new ByteProgress(progress, disk.capacityBytes(), "Restored disk " + disk.disk() + ":");
        while (true) {
            try {
                return call.get(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                try {
                    storage.volume(hostId, pool, name)
                            .ifPresent(v -> bytes.accept(Math.min(v.allocationMiB() << 20, disk.capacityBytes() - 1)));
                } catch (TaskCancelledException cancel) {
                    // libvirt cannot stop a volume copy: the volume is deleted only once qemu-img has let go of it
                    progress.update(99, "Cancelling: libvirt finishes copying disk " + disk.disk() + " first");
                    awaitQuietly(call);
                    throw cancel;
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof HypervisorException h ? h
                        : new HypervisorException(HypervisorException.Kind.FAILED, String.valueOf(e.getCause()), e);
            }
        }
    }

    private static void awaitQuietly(CompletableFuture<?> call) throws InterruptedException {
        try {
            call.get();
        } catch (ExecutionException e) {
            // the copy failed: nothing to wait for
        }
    }
}
