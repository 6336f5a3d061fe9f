package io.virtdeck.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorErrors;
import io.virtdeck.core.FileTrees;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.create.GuestCreateRequest;
import io.virtdeck.guest.create.GuestCreateService;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.VolumeStreamGateway;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.ByteProgress;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;
import io.virtdeck.undo.MadeSoFar;
import io.virtdeck.undo.UndoJournal;

/**
 * The V2V path: an image (raw, qcow2, VMDK, VHD, VHDX) or an OVA is streamed to a staging directory on the Virtdeck
 * server (within a size limit), looked at with qemu-img (its facts are shown before anything is imported), converted
 * there to qcow2 and streamed into a pool of the host through libvirt, so remote hosts need nothing but libvirt. An
 * OVA's disks are converted one by one and become a new guest with the OVF's name, CPUs and memory. Staged images
 * are kept until imported, discarded, or expired; a staged image's files and an import's volumes are recorded
 * before they are made, so that a Virtdeck killed meanwhile leaves none of them behind ({@link UndoJournal}).
 */
@Service
public class ImageImportService {

    static final AuditAction STAGE = AuditAction.IMAGE_STAGE;
    static final AuditAction IMPORT = AuditAction.IMAGE_IMPORT;
    private static final Logger log = LoggerFactory.getLogger(ImageImportService.class);
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ ()-]{0,127}");
    private static final long MIB = 1024 * 1024;
    private static final int COPY_BUFFER = 256 * 1024;

    private final ImportProperties properties;
    private final QemuImg qemuImg;
    private final StorageService storage;
    private final VolumeStreamGateway streamGateway;
    private final GuestCreateService guests;
    private final HostRepository hosts;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final UndoJournal journal;
    private final Map<String, Staged> staged = new ConcurrentHashMap<>();

    private final Permissions permissions;

    ImageImportService(ImportProperties properties, QemuImg qemuImg, StorageService storage,
                       VolumeStreamGateway streamGateway, GuestCreateService guests,
                       HostRepository hosts, TaskService tasks, ActionRunner actions, UndoJournal journal,
                       Permissions permissions) {
        this.journal = journal;
        this.permissions = permissions;
        this.properties = properties;
        this.qemuImg = qemuImg;
        this.storage = storage;
        this.streamGateway = streamGateway;
        this.guests = guests;
        this.hosts = hosts;
        this.tasks = tasks;
        this.actions = actions;
    }

    /**
     * A staged image as the API and the pages show it: a disk image's facts, or an OVA's guest and its disks' facts.
     */
    public record StagedImage(String id, long hostId, String fileName, long bytes, Instant stagedAt,
                              ImageFacts image, Ovf ovf) {

        public record Ovf(String name, int cpus, long memoryMiB, List<OvfDisk> disks) {
        }

        public record OvfDisk(String file, ImageFacts facts) {
        }
    }

    /** POST .../imports/{id}: the pool, the new volume's (or guest's) name, and for an OVA an optional network. */
    public record ImportRequest(String pool, String name, String network) {
    }

    /** @param held the record of its files, ended when they are deleted (imported, discarded, expired) */
    private record Staged(StagedImage view, Path directory, List<Path> images, MadeSoFar held) {

        /** Deletes the files; nothing is left to take back. */
        void remove() {
            delete(directory);
            held.done();
        }
    }

    /**
     * Streams {@code length} bytes of {@code body} into the staging directory (as a task: progress, cancel), then
     * reads its facts. Refused (400) before anything is written when the length is missing, 0 or beyond the limit or
     * the staging directory's room; after staging, when qemu-img does not import it (naming the format or the reason).
     * A refused or failed staging leaves nothing behind.
     */
    public StagedImage stage(long hostId, String fileName, long length, InputStream body) throws IOException {
        Host host = hosts.require(hostId);
        String id = UUID.randomUUID().toString();
        AuditObject object = image(hostId, id, fileName);
        AtomicReference<Path> staging = new AtomicReference<>();
        return onHost(STAGE, host, object).check(() -> staging.set(checkStaging(fileName, length))).run(() -> {
            Path directory = staging.get().resolve(id);
            Path upload = directory.resolve("upload");
            // the staged image's files, recorded until it is imported, discarded or expired
            MadeSoFar held = journal.begin(STAGE, object);
            try {
                held.files(directory);
                createDirectory(directory);
                Task task = tasks.runHere(STAGE, object, true, progress -> {
                    held.partOf(progress.taskId());
                    progress.update(0, "Receiving " + fileName + " (" + ByteProgress.mib(length) + ")");
                    copy(body, upload, length, new ByteProgress(progress, length, "Received"));
                    return "Received " + fileName + " (" + ByteProgress.mib(length) + ").";
                });
                if (task.state() != Task.State.SUCCEEDED) {
                    throw VirtdeckException.conflict("Task " + task.id() + " "
                            + task.state().name().toLowerCase(Locale.ROOT) + ": " + task.message());
                }
                Staged made = inspect(host, id, fileName, length, directory, upload, held);
                staged.put(id, made);
                return Done.of(made.view(), describe(made.view()));
            } catch (IOException e) {
                held.undo();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                held.undo();
                throw e;
            }
        });
    }

    /** The staging directory, once the name and length are fit to stage; 400 naming the field otherwise. */
    private Path checkStaging(String fileName, long length) {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
            throw VirtdeckException.invalid("fileName", "fileName is the image's file name: letters, digits, dots,"
                    + " dashes, spaces and brackets, up to 128.");
        }
        if (length <= 0) {
            throw VirtdeckException.invalid("Content-Length", "Content-Length is required and above 0: the image's"
                    + " size in bytes, so that its room is checked before it is sent.");
        }
        Path root = createDirectories(properties.stagingDir());
        long usable = usableSpace(root);
        if (length > properties.maxImageSize().toBytes() || length > usable / 2) {
            // half: a conversion needs room for the qcow2 copy beside the image
            throw VirtdeckException.invalid("Content-Length", "Content-Length " + ByteProgress.mib(length) + " is"
                    + " more than Virtdeck stages: at most " + ByteProgress.mib(Math.min(properties.maxImageSize()
                    .toBytes(), usable / 2)) + " (the limit, and room for a converted copy).");
        }
        return root;
    }

    private static Path createDirectories(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectory(Path path) {
        try {
            return Files.createDirectory(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long usableSpace(Path path) {
        try {
            return Files.getFileStore(path).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A change to what is staged for a host, or imported into it: permitted to those who may operate the host. */
    private ActionPlan onHost(AuditAction action, Host host, AuditObject image) {
        return actions.plan(action, image).permit(() -> permissions.requireHost(Action.OPERATE, host.id()));
    }

    public StagedImage get(long hostId, String id) {
        permissions.requireHost(Action.OPERATE, hostId);
        return require(hostId, id).view();
    }

    /** The images staged for a host, newest first. */
    public List<StagedImage> list(long hostId) {
        permissions.requireHost(Action.OPERATE, hostId);
        return staged.values().stream().map(Staged::view).filter(v -> v.hostId() == hostId)
                .sorted(Comparator.comparing(StagedImage::stagedAt).reversed()).toList();
    }

    public void discard(long hostId, String id) {
        Host host = hosts.require(hostId);
        permissions.requireHost(Action.OPERATE, hostId); // before the lookup: ids say nothing to others
        Staged found = require(hostId, id);
        onHost(AuditAction.IMAGE_DISCARD, host, image(hostId, id, found.view().fileName())).execute(() -> {
            staged.remove(id);
            found.remove();
        });
    }

    /**
     * Imports a staged image into a pool of its host as a task: a disk image becomes the qcow2 volume {@code name};
     * an OVA becomes the guest {@code name} (the OVF's name when absent) on volumes {@code <name>-disk<n>.qcow2}.
     * Checked first (the pool, the names, the room); a failure deletes the volumes it made and keeps the staged
     * image for another try; success removes it.
     */
    public Task importImage(long hostId, String id, ImportRequest request) {
        permissions.requireHost(Action.OPERATE, hostId); // before the lookup: ids say nothing to others
        Staged found = require(hostId, id);
        Host host = hosts.require(hostId);
        StagedImage view = found.view();
        String name = request.name() == null || request.name().isBlank()
                ? (view.ovf() != null ? view.ovf().name() : null) : request.name();
        List<String> volumes = new ArrayList<>();
        AuditObject object = image(hostId, id, view.fileName());
        return onHost(IMPORT, host, object).check(() -> volumes.addAll(checkImport(host, found, request, name)))
                .start(ending -> tasks.submit(IMPORT, object, true, progress -> {
            try (MadeSoFar made = journal.begin(IMPORT, object, progress.taskId())) {
                try {
                    String done = run(host, found, request.pool(), name, volumes, request.network(), made, progress);
                    made.done();
                    ending.succeeded(done);
                    staged.remove(id);
                    found.remove();
                    return done;
                } catch (RuntimeException e) {
                    String reason = (e instanceof HypervisorException h ? HypervisorErrors.message(h)
                            : e.getMessage()) + " " + made.undo();
                    ending.failed(reason);
                    throw e instanceof HypervisorException ? VirtdeckException.conflict(reason) : e;
                }
            }
        }));
    }

    /** The pool, the names and the room an import needs; returns the volumes it will make. */
    private List<String> checkImport(Host host, Staged found, ImportRequest request, String name) {
        if (request.pool() == null || request.pool().isBlank()) {
            throw VirtdeckException.invalid("pool", "pool is required: the pool the image goes into.");
        }
        PoolFacts pool = storage.requirePool(host, request.pool());
        StagedImage view = found.view();
        PoolChecks.name("name", name);
        List<String> volumes = new ArrayList<>();
        if (view.ovf() == null) {
            volumes.add(name.endsWith(".qcow2") ? name : name + ".qcow2");
        } else {
            for (int i = 1; i <= found.images().size(); i++) {
                volumes.add(name + "-disk" + i + ".qcow2");
            }
        }
        for (String volume : volumes) {
            PoolChecks.name("name", volume);
        }
        List<String> existing = storage.volumes(host.id(), request.pool()).stream()
                .map(StorageService.VolumeView::name).filter(volumes::contains).toList();
        if (!existing.isEmpty()) {
            throw VirtdeckException.conflict("name", "Pool '" + request.pool() + "' has a volume '" + existing.get(0)
                    + "' already: choose another name.");
        }
        long needed = found.images().stream().mapToLong(ImageImportService::sizeOf).sum();
        if (needed > pool.availableMiB() * MIB) {
            throw VirtdeckException.invalid("pool", "Pool '" + request.pool() + "' has " + pool.availableMiB()
                    + " MiB free; the image needs about " + needed / MIB + " MiB.");
        }
        return volumes;
    }

    private String run(Host host, Staged found, String pool, String name, List<String> volumes, String network,
                       MadeSoFar made, TaskProgress progress) throws IOException {
        int count = found.images().size();
        List<GuestCreateRequest.Disk> disks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // each disk its share of the bar: the first 60% of it converting, the rest streaming to the host
            int from = 100 * i / count;
            int to = 100 * (i + 1) / count;
            int middle = from + (to - from) * 6 / 10;
            Path source = found.images().get(i);
            String format = found.view().ovf() == null ? found.view().image().format()
                    : found.view().ovf().disks().get(i).facts().format();
            Path converted = found.directory().resolve("converted-" + i + ".qcow2");
            String volume = volumes.get(i);
            TaskProgress converting = progress.step(from, middle);
            converting.update(0, "Converting " + format + " to qcow2 for " + volume);
            qemuImg.convertToQcow2(source, format, converted, percent -> converting.update(percent,
                    "Converting " + format + " to qcow2 for " + volume + ": " + percent + "%"),
                    progress::cancelRequested);
            long bytes = Files.size(converted);
            made.volume(host, pool, volume, () -> streamGateway.createUploadTarget(host.id(), pool, volume, bytes));
            try (InputStream in = Files.newInputStream(converted)) {
                streamGateway.uploadVolume(host.id(), pool, volume, in, bytes,
                        new ByteProgress(progress.step(middle, to), bytes, "Sent " + volume + ":"));
            }
            Files.delete(converted);
            disks.add(GuestCreateRequest.Disk.existing(pool + "/" + volume));
        }
        StagedImage.Ovf ovf = found.view().ovf();
        if (ovf == null) {
            return "Imported " + found.view().fileName() + " (" + found.view().image().format() + ") into " + pool
                    + "/" + volumes.get(0) + " as qcow2.";
        }
        Guest guest = guests.create(host.id(), new GuestCreateRequest(name, ovf.cpus(), ovf.memoryMiB(), disks, null,
                network == null || network.isBlank() ? List.of() : List.of(network), null, null, null, null, null,
                null, null, null, null), made);
        return "Imported " + found.view().fileName() + " as guest " + guest.name() + " (" + ovf.cpus() + " vCPUs, "
                + ovf.memoryMiB() + " MiB, " + count + " disk" + (count == 1 ? "" : "s") + " in " + pool + ").";
    }

    /** Facts of what was staged: an OVA is unpacked (the archive then goes) and each of its disks looked at. */
    private Staged inspect(Host host, String id, String fileName, long length, Path directory, Path upload,
                           MadeSoFar held) throws IOException {
        Instant now = Instant.now();
        if (!Ova.isOva(upload)) {
            ImageFacts facts = requireImportable(qemuImg.info(upload));
            return new Staged(new StagedImage(id, host.id(), fileName, length, now, facts, null), directory,
                    List.of(upload), held);
        }
        Path unpacked = Files.createDirectory(directory.resolve("ova"));
        Map<String, Path> files = Ova.unpack(upload, unpacked);
        Files.delete(upload);
        List<Path> descriptors = files.values().stream().filter(p -> p.getFileName().toString().endsWith(".ovf"))
                .toList();
        if (descriptors.size() != 1) {
            throw VirtdeckException.invalid("image", "The OVA holds " + descriptors.size() + " OVF descriptors; an"
                    + " OVA holds exactly one.");
        }
        Ova.Descriptor descriptor = Ova.read(descriptors.get(0));
        List<StagedImage.OvfDisk> disks = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (String file : descriptor.diskFiles()) {
            Path image = files.get(file);
            if (image == null) {
                throw VirtdeckException.invalid("image", "The OVF names the disk file '" + file + "', which the OVA"
                        + " does not hold.");
            }
            disks.add(new StagedImage.OvfDisk(file, requireImportable(qemuImg.info(image))));
            images.add(image);
        }
        StagedImage.Ovf ovf = new StagedImage.Ovf(descriptor.name(), descriptor.cpus(), descriptor.memoryMiB(),
                List.copyOf(disks));
        return new Staged(new StagedImage(id, host.id(), fileName, length, now, null, ovf), directory,
                List.copyOf(images), held);
    }

    private static ImageFacts requireImportable(ImageFacts facts) {
        if (!facts.importable()) {
            throw VirtdeckException.invalid("format", "The image is not imported: " + facts.refusal());
        }
        return facts;
    }

    private static String describe(StagedImage view) {
        return view.ovf() == null ? view.image().format() + ", " + view.image().virtualSizeMiB() + " MiB virtual"
                : "OVA: " + view.ovf().name() + ", " + view.ovf().disks().size() + " disk(s)";
    }

    /** Expired staged images go, and so do directories no staged image owns (an earlier run's) once as old. */
    @Scheduled(fixedDelay = 600_000, initialDelay = 60_000)
    void removeExpired() {
        Instant limit = Instant.now().minus(properties.keepStaged());
        staged.values().removeIf(s -> {
            boolean expired = s.view().stagedAt().isBefore(limit);
            if (expired) {
                s.remove();
            }
            return expired;
        });
        if (!Files.isDirectory(properties.stagingDir())) {
            return;
        }
        try (Stream<Path> entries = Files.list(properties.stagingDir())) {
            entries.filter(dir -> !staged.containsKey(dir.getFileName().toString())).filter(dir -> {
                try {
                    return Files.getLastModifiedTime(dir).toInstant().isBefore(limit);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(ImageImportService::delete);
        } catch (IOException e) {
            log.warn("cannot look through the staging directory {}: {}", properties.stagingDir(), e.getMessage());
        }
    }

    /** A staged image in tasks and the audit trail: its id after its host's, as pools' and volumes' are. */
    private static AuditObject image(long hostId, String id, String fileName) {
        return new AuditObject("image", hostId + "/" + id, fileName);
    }

    private Staged require(long hostId, String id) {
        Staged found = staged.get(id);
        if (found == null || found.view().hostId() != hostId) {
            throw VirtdeckException.notFound("There is no staged image " + id + " for host " + hostId
                    + " (imported, discarded, or expired).");
        }
        return found;
    }

    private static long sizeOf(Path image) {
        try {
            return Files.size(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exactly {@code length} bytes of {@code body} into {@code target}, a chunk at a time. */
    private static void copy(InputStream body, Path target, long length, ByteProgress progress) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long copied = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            while (copied < length) {
                int read = body.read(buffer, 0, (int) Math.min(buffer.length, length - copied));
                if (read < 0) {
                    throw VirtdeckException.conflict("The upload ended after " + copied + " of " + length
                            + " bytes.");
                }
                out.write(buffer, 0, read);
                copied += read;
                progress.accept(copied);
            }
        }
    }

    private static void delete(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            log.warn("cannot delete the staged image {}: {}", directory, e.getMessage());
        }
    }
}
