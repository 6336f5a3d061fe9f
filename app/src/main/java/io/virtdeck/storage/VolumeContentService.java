package io.virtdeck.storage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * A volume's bytes in and out over HTTP, as tasks with progress and cancel: the request's body streams into the volume
 * and the volume streams into the response, a chunk at a time (never a whole image in memory). Both run on the
 * request's own thread, which alone may read its body or write its response.
 */
@Service
public class VolumeContentService {

    static final AuditAction UPLOAD = AuditAction.VOLUME_UPLOAD;
    static final AuditAction DOWNLOAD = AuditAction.VOLUME_DOWNLOAD;
    private static final long MIB = 1024 * 1024;
    /** What an upload may hold: what a guest's disk can be without conversion (other formats are imported). */
    private static final Set<String> UPLOAD_FORMATS = Set.of("qcow2", "raw");
    private static final int READ_BUFFER = 256 * 1024;

    private final StorageService storage;
    private final StorageGateway storageGateway;
    private final VolumeStreamGateway streamGateway;
    private final HostRepository hosts;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final UndoJournal journal;

    private final Permissions permissions;

    VolumeContentService(StorageService storage, StorageGateway storageGateway, VolumeStreamGateway streamGateway,
                         HostRepository hosts, TaskService tasks,
                         ActionRunner actions, UndoJournal journal, Permissions permissions) {
        this.journal = journal;
        this.permissions = permissions;
        this.storage = storage;
        this.storageGateway = storageGateway;
        this.streamGateway = streamGateway;
        this.hosts = hosts;
        this.tasks = tasks;
        this.actions = actions;
    }

    /** Where a download's bytes go, opened once their number is known (a response sets its headers then). */
    @FunctionalInterface
    public interface ContentSink {
        OutputStream open(long bytes) throws IOException;
    }

    /** An ended upload task, and whether the volume was made for it (rather than replaced). */
    public record Upload(Task task, boolean created) {
    }

    /**
     * Streams {@code length} bytes of {@code body} into the volume: made for them when absent, replaced when present
     * and unused (409 while a guest uses it). Everything is checked before anything is made: the name, the format
     * against the bytes' own header, the length against the pool's free space. A failed or cancelled upload leaves no
     * volume behind. Returns once the task has ended; a task that did not succeed is a 409 with its reason.
     *
     * @param length the request's Content-Length; negative when it sent none
     */
    public Upload upload(long hostId, String pool, String volume, String format, long length, InputStream body)
            throws IOException {
        Host host = hosts.require(hostId);
        String declared = format == null || format.isBlank() ? "qcow2" : format;
        BufferedInputStream in = new BufferedInputStream(body, READ_BUFFER);
        AtomicBoolean replaces = new AtomicBoolean();
        AuditObject object = StorageService.volumeObject(host, pool, volume);
        Task task = onVolume(UPLOAD, host, object)
                .check(() -> replaces.set(checkUpload(host, pool, volume, declared, length, in)))
                .start(ending -> tasks.runHere(UPLOAD, object, true, progress -> {
            progress.update(0, "Uploading " + ByteProgress.mib(length) + " into " + pool + "/" + volume);
            try (MadeSoFar made = journal.begin(UPLOAD, object, progress.taskId())) {
                try {
                    if (replaces.get()) {
                        storageGateway.deleteVolume(hostId, pool, volume);
                    }
                    made.volume(host, pool, volume, () -> streamGateway.createUploadTarget(hostId, pool, volume,
                            length));
                    streamGateway.uploadVolume(hostId, pool, volume, in, length,
                            new ByteProgress(progress, length, "Uploaded"));
                    made.done();
                } catch (RuntimeException e) {
                    String failed = reason(e) + " " + made.undo(); // a half-written volume is no use to anyone
                    ending.failed(failed);
                    throw e instanceof UncheckedIOException ? VirtdeckException.conflict(failed) : e;
                }
            }
            ending.succeeded(ByteProgress.mib(length) + ", " + declared);
            return "Uploaded " + ByteProgress.mib(length) + " into " + pool + "/" + volume + " (" + declared + ").";
        }));
        return new Upload(ended(task), !replaces.get());
    }

    /** Everything an upload needs before a byte is written; returns whether it replaces a volume. */
    private boolean checkUpload(Host host, String pool, String volume, String declared, long length,
                                BufferedInputStream in) {
        PoolFacts facts = storage.requirePool(host, pool);
        PoolChecks.name("volume", volume);
        if (!UPLOAD_FORMATS.contains(declared)) {
            throw VirtdeckException.invalid("format", "format is qcow2 or raw: the format of the bytes sent. VMDK, VHD"
                    + " and VHDX images are imported instead (converted to qcow2).");
        }
        if (length < 0) {
            throw VirtdeckException.invalid("Content-Length", "Content-Length is required: the image's size in bytes,"
                    + " so that the pool's room is checked before the upload starts.");
        }
        if (length == 0) {
            throw VirtdeckException.invalid("Content-Length", "Content-Length is 0: there is nothing to upload.");
        }
        Optional<StorageService.VolumeView> existing = storage.volumes(host.id(), pool).stream()
                .filter(v -> v.name().equals(volume)).findFirst();
        if (existing.isPresent()) {
            storage.unused(host.id(), pool, volume, "replaced");
        }
        long room = (facts.availableMiB() + existing.map(StorageService.VolumeView::allocationMiB).orElse(0L)) * MIB;
        if (length > room) {
            throw VirtdeckException.invalid("Content-Length", "Content-Length " + length + " bytes ("
                    + ByteProgress.mib(length) + ") is more than pool '" + pool + "' has free (" + room / MIB
                    + " MiB).");
        }
        try {
            ImageHeader.peek(in, length).require(declared);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return existing.isPresent();
    }

    /**
     * Streams the volume's bytes (its file as it sits on the host) into {@code sink}, as a task. Refused (409) while a
     * guest uses it: its disk would change under the copy. Checks come first, so that a refusal is a clean error
     * response; once the sink is open, a failure can only cut the download short.
     */
    public Task download(long hostId, String pool, String volume, ContentSink sink) {
        Host host = hosts.require(hostId);
        AuditObject object = StorageService.volumeObject(host, pool, volume);
        AtomicLong length = new AtomicLong();
        AtomicReference<OpenOnFirstWrite> opened = new AtomicReference<>();
        Task task = onVolume(DOWNLOAD, host, object).check(() -> {
            storage.requirePool(host, pool);
            storage.unused(hostId, pool, volume, "downloaded");
            length.set(streamGateway.volumeBytes(hostId, pool, volume));
            opened.set(new OpenOnFirstWrite(sink, length.get()));
        }).start(ending -> tasks.runHere(DOWNLOAD, object, true, progress -> {
            OpenOnFirstWrite out = opened.get();
            progress.update(0, "Downloading " + ByteProgress.mib(length.get()) + " of " + pool + "/" + volume);
            try {
                streamGateway.downloadVolume(hostId, pool, volume, out,
                        new ByteProgress(progress, length.get(), "Downloaded"));
                out.flush();
            } catch (IOException | RuntimeException e) {
                ending.failed(reason(e));
                throw e instanceof UncheckedIOException ? VirtdeckException.conflict(reason(e)) : e;
            }
            ending.succeeded(ByteProgress.mib(length.get()));
            return "Downloaded " + ByteProgress.mib(length.get()) + " of " + pool + "/" + volume + ".";
        }));
        // a download that failed before its first byte answers with the reason; later, the response is under way
        // and can only end short of its length, which the client notices
        return opened.get().opened() ? task : ended(task);
    }

    /** Moving a volume's content in or out: permitted to those who may operate its host. */
    private ActionPlan onVolume(AuditAction action, Host host, AuditObject volume) {
        return actions.plan(action, volume).permit(() -> permissions.requireHost(Action.OPERATE, host.id()));
    }

    /** Opens the real stream at the first byte (or flush), so that a failure before it can still be an error answer. */
    private static final class OpenOnFirstWrite extends OutputStream {

        private final ContentSink sink;
        private final long length;
        private OutputStream target;

        OpenOnFirstWrite(ContentSink sink, long length) {
            this.sink = sink;
            this.length = length;
        }

        boolean opened() {
            return target != null;
        }

        private OutputStream target() throws IOException {
            if (target == null) {
                target = sink.open(length);
            }
            return target;
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            target().write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            target().flush();
        }
    }

    /** A task that did not succeed becomes the caller's error: 409 with its reason. */
    private static Task ended(Task task) {
        if (task.state() != Task.State.SUCCEEDED) {
            throw VirtdeckException.conflict("Task " + task.id() + " " + task.state().name().toLowerCase(Locale.ROOT)
                    + ": " + task.message());
        }
        return task;
    }

    /** The person's version of why a transfer stopped: a broken connection says so rather than naming a class. */
    private static String reason(Exception e) {
        if (e instanceof UncheckedIOException || e instanceof IOException) {
            Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
            return "The connection carrying the bytes broke (" + cause.getMessage() + ").";
        }
        return e.getMessage();
    }
}
