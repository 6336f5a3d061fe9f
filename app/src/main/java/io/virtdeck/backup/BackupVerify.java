package io.virtdeck.backup;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import io.virtdeck.action.Ending;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.BackupGateway;
import io.virtdeck.hypervisor.DomainAction;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.PooledVolume;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeFacts;
import io.virtdeck.inventory.ExpectedGuestChanges;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.InventorySync;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * A verified restore: the point restored into a temporary guest in the store's pool, its NICs on an isolated network
 * ({@value #NETWORK}), booted, and counted good when it shows the sign of life asked for; the temporary guest and its
 * volumes are removed whatever happened. The result is recorded on the point; a failed check fails the task with the
 * reason.
 */
@Component
class BackupVerify {

    private static final Logger log = LoggerFactory.getLogger(BackupVerify.class);

    static final String NETWORK = "virtdeck-verify";
    private static final int DEFAULT_SECONDS = 180;
    private static final int AGENT_POLL_SECONDS = 5;

    private final BackupGateway backups;
    private final BackupRestore restore;
    private final BackupRepository repository;
    private final DomainGateway domains;
    private final StorageGateway storage;
    private final HostRepository hosts;
    private final InventorySync sync;
    private final ExpectedGuestChanges expected;
    private final UndoJournal journal;

    BackupVerify(BackupGateway backups, BackupRestore restore, BackupRepository repository, DomainGateway domains,
                 StorageGateway storage, HostRepository hosts, InventorySync sync, ExpectedGuestChanges expected,
                 UndoJournal journal) {
        this.journal = journal;
        this.backups = backups;
        this.restore = restore;
        this.repository = repository;
        this.domains = domains;
        this.storage = storage;
        this.hosts = hosts;
        this.sync = sync;
        this.expected = expected;
    }

    /** Refuses a request that names no sign of life it can wait for, naming the field. */
    static VerifyRequest checked(VerifyRequest request) {
        return checked(request, "");
    }

    /** As above, the fields named under {@code prefix} (a job's "verify."). */
    static VerifyRequest checked(VerifyRequest request, String prefix) {
        String sign = request.signOfLife() == null ? null : request.signOfLife().toLowerCase(Locale.ROOT);
        if (!"serial".equals(sign) && !"agent".equals(sign)) {
            throw VirtdeckException.invalid(prefix + "signOfLife", "signOfLife must be serial (a text on the guest's serial"
                    + " console) or agent (its guest agent answers).");
        }
        if ("serial".equals(sign) && (request.serialText() == null || request.serialText().isBlank())) {
            throw VirtdeckException.invalid(prefix + "serialText", "serialText is required with signOfLife serial: the text"
                    + " the booted guest shows on its serial console, e.g. 'login:'.");
        }
        int seconds = request.timeoutSeconds() == null ? DEFAULT_SECONDS : request.timeoutSeconds();
        if (seconds < 10 || seconds > 1800) {
            throw VirtdeckException.invalid(prefix + "timeoutSeconds", "timeoutSeconds must be between 10 and 1800.");
        }
        return new VerifyRequest(sign, request.serialText(), seconds);
    }

    String run(BackupPoint point, BackupStore store, VerifyRequest request, TaskProgress progress, Ending ending)
            throws InterruptedException {
        Host host = hosts.require(store.onServer() ? point.hostId() : store.hostId());
        // a directory of the server is no pool: the temporary disks go beside the guest's own, on its host
        String pool = store.onServer() ? restore.poolOf(host.id(), point.disks().get(0).source()).orElseThrow(() ->
                VirtdeckException.conflict("The disk of '" + point.guestName() + "' is in no pool of host "
                        + host.name() + " now: restore the backup as a new guest instead.")) : store.pool();
        String name = "verify-" + point.id() + "-" + UUID.randomUUID().toString().substring(0, 6);
        UUID uuid = UUID.randomUUID();
        // the temporary guest and its disks, recorded before they are made: a kill leaves none of them
        MadeSoFar made = journal.begin(AuditAction.BACKUP_VERIFY, new AuditObject("guest", null, name),
                progress.taskId());
        boolean defined = false;
        String outcome;
        String cleanUp;
        boolean passed = false;
        try {
            Map<String, PooledVolume> disks = new HashMap<>();
            int count = point.disks().size();
            for (int i = 0; i < count; i++) {
                BackupPoint.Disk disk = point.disks().get(i);
                if (progress.cancelRequested()) {
                    throw new TaskCancelledException("cancelled");
                }
                VolumeFacts volume = restore.copy(store, host, point, disk, pool, name + "-" + disk.disk() + ".qcow2",
                        progress.step(i * 60 / count, (i + 1) * 60 / count), made);
                disks.put(disk.source(), new PooledVolume(pool, volume));
            }
            progress.update(60, "Booting '" + name + "' on the isolated network " + NETWORK);
            expected.expect(host.id(), uuid);
            made.domain(host, uuid, name, () -> backups.defineIsolated(host.id(), repository.definition(point.id()),
                    name, uuid, disks, NETWORK));
            defined = true;
            domains.perform(host.id(), uuid, DomainAction.START);
            progress.update(70, "Waiting up to " + request.timeoutSeconds() + " s for " + sign(request));
            passed = "serial".equals(request.signOfLife())
                    ? backups.serialShows(host.id(), uuid, request.serialText(),
                    Duration.ofSeconds(request.timeoutSeconds())) != null
                    : agentAnswers(host.id(), uuid, request.timeoutSeconds());
            outcome = passed ? "The restore booted and showed " + sign(request) + "."
                    : "The restore booted but did not show " + sign(request) + " within " + request.timeoutSeconds()
                    + " s.";
        } catch (TaskCancelledException e) {
            outcome = "Cancelled.";
        } catch (HypervisorException e) {
            outcome = "The restore could not be made or started: " + HypervisorErrors.message(e);
        } finally {
            progress.update(95, "Removing '" + name + "'");
            if (defined) {
                try {
                    expected.expect(host.id(), uuid);
                    backups.removeDomain(host.id(), uuid);
                } catch (HypervisorException e) {
                    log.warn("the temporary guest '{}' could not be removed: {}", name, e.getMessage());
                }
                sync.refreshOrRemove(host.id(), uuid);
            }
            cleanUp = made.undo(); // names the temporary guest if it could not be removed
            made.close();
        }
        String detail = outcome + (cleanUp.isBlank() ? "" : " " + cleanUp);
        repository.verified(point.id(), passed, detail);
        String said = "Verified " + BackupRestore.describe(point) + " of '" + point.guestName() + "': "
                + (passed ? "passed. " : "failed. ") + detail;
        if (!passed) {
            ending.failed(said);
            throw VirtdeckException.conflict(said);
        }
        ending.succeeded(said);
        return said;
    }

    private static String sign(VerifyRequest request) {
        return "serial".equals(request.signOfLife()) ? "'" + request.serialText() + "' on its serial console"
                : "an answer from its guest agent";
    }

    private boolean agentAnswers(long hostId, UUID uuid, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            if (backups.agentAnswers(hostId, uuid, AGENT_POLL_SECONDS)) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }
}
