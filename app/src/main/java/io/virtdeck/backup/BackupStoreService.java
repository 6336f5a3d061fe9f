package io.virtdeck.backup;

import java.util.List;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.ObjectRef;
import io.virtdeck.security.Permissions;

/**
 * Backup stores: a storage pool of a host, of a kind that holds files (dir, netfs), registered by those who may operate
 * the host and seen by those who may read it (not help desk); or a directory on the Virtdeck server, registered by
 * administrators and seen by those who see every host.
 */
@Service
public class BackupStoreService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FILE_POOLS = Set.of("dir", "netfs", "fs");

    private final BackupRepository repository;
    private final HostRepository hosts;
    private final StorageGateway storage;
    private final ActionRunner actions;
    private final Permissions permissions;
    private final StoreFilesFactory files;

    BackupStoreService(BackupRepository repository, HostRepository hosts, StorageGateway storage,
                       ActionRunner actions, Permissions permissions, StoreFilesFactory files) {
        this.files = files;
        this.repository = repository;
        this.hosts = hosts;
        this.storage = storage;
        this.actions = actions;
        this.permissions = permissions;
    }

    public BackupStoreView create(BackupStoreRequest request) {
        AuditObject subject = new AuditObject("backup-store", null, request.name());
        return actions.plan(AuditAction.BACKUP_STORE_CREATE, subject).evenWhileBusy().permit(() -> {
            if (request.directory() != null) {
                permissions.require(Action.ADMINISTER, ObjectRef.root()); // files written on the server itself
            } else if (request.hostId() != null && hosts.findById(request.hostId()).isPresent()) {
                permissions.requireHost(Action.OPERATE, request.hostId());
            } else {
                permissions.require(Action.OPERATE, ObjectRef.root());
            }
        }).check(() -> checkNew(request)).run(() -> {
            BackupStore store = request.directory() != null
                    ? repository.insertStore(request.name(), null, null, directory(request.directory()).toString())
                    : repository.insertStore(request.name(), request.hostId(), request.pool(), null);
            return Done.of(view(store), store.where(hostName(store))).about(subject(store));
        });
    }

    private void checkNew(BackupStoreRequest request) {
        checkName(request.name(), null);
        if (request.directory() != null) {
            checkNewDirectory(request);
            return;
        }
        if (request.hostId() == null) {
            throw VirtdeckException.invalid("hostId", "hostId is required: the host whose pool holds the backups (or"
                    + " give a directory on the Virtdeck server instead).");
        }
        Host host = hosts.findById(request.hostId()).orElseThrow(() -> VirtdeckException.invalid("hostId",
                "There is no host with id " + request.hostId() + "."));
        if (request.pool() == null || request.pool().isBlank()) {
            throw VirtdeckException.invalid("pool", "pool is required: a dir or netfs storage pool of the host.");
        }
        if (repository.findStoreByPool(host.id(), request.pool()).isPresent()) {
            throw VirtdeckException.conflict("pool", "Pool '" + request.pool() + "' of host '" + host.name()
                    + "' is a backup store already.");
        }
        PoolFacts pool = storage.pools(host.id()).stream().filter(p -> p.name().equals(request.pool())).findFirst()
                .orElseThrow(() -> VirtdeckException.invalid("pool", "Host '" + host.name() + "' has no storage pool '"
                        + request.pool() + "'."));
        if (!FILE_POOLS.contains(pool.type())) {
            throw VirtdeckException.invalid("pool", "Pool '" + pool.name() + "' is of type " + pool.type()
                    + ": a backup store needs a pool that holds files (dir or netfs).");
        }
        if (!pool.active()) {
            throw VirtdeckException.conflict("pool", "Pool '" + pool.name() + "' is not running; start it first.");
        }
    }

    private void checkNewDirectory(BackupStoreRequest request) {
        if (request.hostId() != null || request.pool() != null) {
            throw VirtdeckException.invalid("directory", "A store is either a pool of a host (hostId and pool) or a"
                    + " directory on the Virtdeck server (directory), not both.");
        }
        Path directory = directory(request.directory());
        if (!Files.isDirectory(directory)) {
            throw VirtdeckException.invalid("directory", "There is no directory " + directory + " on the Virtdeck"
                    + " server: make it first (with room for the backups).");
        }
        if (!Files.isWritable(directory)) {
            throw VirtdeckException.invalid("directory", "Virtdeck may not write in " + directory + ".");
        }
        if (repository.findStoreByDirectory(directory.toString()).isPresent()) {
            throw VirtdeckException.conflict("directory", "Directory " + directory + " is a backup store already.");
        }
    }

    private static Path directory(String given) {
        Path path;
        try {
            path = Path.of(given.strip());
        } catch (InvalidPathException e) {
            throw VirtdeckException.invalid("directory", "directory is not a path: " + e.getReason() + ".");
        }
        if (!path.isAbsolute()) {
            throw VirtdeckException.invalid("directory", "directory must be an absolute path on the Virtdeck server,"
                    + " such as /srv/virtdeck-backups.");
        }
        return path.normalize();
    }

    /** A name of the pattern, not taken by another store than {@code self} (null for a new store). */
    private void checkName(String name, Long self) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw VirtdeckException.invalid("name", "name is required: letters, digits, '.', '_' and '-', starting"
                    + " with a letter or digit, at most 64 characters.");
        }
        if (repository.findStoreByName(name).filter(other -> self == null || other.id() != self).isPresent()) {
            throw VirtdeckException.conflict("name", "A backup store named '" + name + "' exists already.");
        }
    }

    /** Renames the store; where it is stays, as its backups are there. */
    public BackupStoreView rename(long id, String name) {
        BackupStore store = readable(id);
        return actions.plan(AuditAction.BACKUP_STORE_RENAME, subject(store)).evenWhileBusy()
                .permit(() -> permissions.require(Action.OPERATE, store.scope()))
                .check(() -> checkName(name, id))
                .run(() -> {
                    repository.renameStore(id, name);
                    return Done.of(view(require(id)), "renamed from '" + store.name() + "' to '" + name + "'");
                });
    }

    /** Forgets the store and its catalogue; the backup files stay in the pool, to be deleted there if wished. */
    public void delete(long id) {
        BackupStore store = require(id);
        actions.plan(AuditAction.BACKUP_STORE_DELETE, subject(store)).permit(() ->
                permissions.require(Action.OPERATE, store.scope())).execute(() -> repository.deleteStore(id));
    }

    public List<BackupStoreView> list() {
        return repository.stores().stream()
                .filter(s -> permissions.allows(Action.READ_HOST, s.scope()))
                .map(this::view).toList();
    }

    public BackupStoreView get(long id) {
        BackupStore store = require(id);
        permissions.require(Action.READ_HOST, store.scope());
        return view(store);
    }

    /** The store, or 404 (also when the user may not read its host: the store's existence is not told). */
    BackupStore readable(long id) {
        BackupStore store = require(id);
        if (!permissions.allows(Action.READ_HOST, store.scope())) {
            throw VirtdeckException.notFound("There is no backup store with id " + id + ".");
        }
        return store;
    }

    private BackupStore require(long id) {
        return repository.findStore(id)
                .orElseThrow(() -> VirtdeckException.notFound("There is no backup store with id " + id + "."));
    }

    static AuditObject subject(BackupStore store) {
        return new AuditObject("backup-store", store.auditPrefix() + "/" + store.id(), store.name());
    }

    private BackupStoreView view(BackupStore store) {
        StoreFiles.Space space = files.of(store).space();
        return new BackupStoreView(store.id(), store.name(), store.hostId(), hostName(store), store.pool(),
                store.directory(), space.capacityMiB(), space.availableMiB(), repository.chainCount(store.id()),
                repository.pointCount(store.id()), repository.copiedBytes(store.id()) / (1024 * 1024));
    }

    private String hostName(BackupStore store) {
        return store.onServer() ? null : hosts.findById(store.hostId()).map(Host::name).orElse(null);
    }
}
