package io.virtdeck.hypervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link SnapshotGateway}. */
@Component
class LibvirtSnapshots implements SnapshotGateway {

    /** libvirt reverts to external snapshots from 9.7.0 on (virConnectGetLibVersion's number). */
    private static final long EXTERNAL_REVERT_SINCE = 9_007_000;

    private final HostConnections connections;
    private final ApplicationEventPublisher events;

    LibvirtSnapshots(HostConnections connections, ApplicationEventPublisher events) {
        this.connections = connections;
        this.events = events;
    }

    @Override
    public List<SnapshotFacts> snapshots(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            String current = currentSnapshotName(domain);
            List<SnapshotFacts> snapshots = new ArrayList<>();
            for (String name : domain.snapshotListNames()) {
                snapshots.add(LibvirtSession.snapshot(domain, name,
                        snapshot -> SnapshotXml.read(snapshot.getXMLDesc(), current)));
            }
            return snapshots;
        }));
    }

    @Override
    public SnapshotTaken createSnapshot(long hostId, UUID uuid, String name, String description, SnapshotKind kind,
                                        boolean freeze) {
        return connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            if (!freeze || domain.isActive() != 1) {
                return SnapshotTaken.unfrozen(take(session, domain, name, description, kind));
            }
            String silence = LibvirtGuestAgent.silence(domain);
            if (silence != null) {
                return new SnapshotTaken(take(session, domain, name, description, kind), 0, 0,
                        "no guest agent answered: not frozen (" + silence + ")", null);
            }
            int frozen;
            long frozenAt = System.nanoTime();
            try {
                frozen = LibvirtNative.freezeFileSystems(domain);
            } catch (HypervisorException e) {
                return new SnapshotTaken(take(session, domain, name, description, kind), 0, 0,
                        "the guest agent could not freeze them: not frozen (" + e.getMessage() + ")", null);
            }
            SnapshotFacts made;
            try {
                made = take(session, domain, name, description, kind);
            } catch (LibvirtException e) {
                throw thawnAfter(domain, LibvirtErrors.translate(e));
            } catch (HypervisorException e) {
                throw thawnAfter(domain, e);
            } catch (RuntimeException e) {
                thaw(domain);
                throw e;
            }
            String problem = thaw(domain);
            return new SnapshotTaken(made, frozen, (System.nanoTime() - frozenAt) / 1_000_000,
                    frozen == 0 ? "the guest agent answered but froze no file system: not frozen" : null, problem);
        }));
    }

    /** Thaws after a failed snapshot: its failure, saying so as well when the file systems stayed frozen. */
    private static HypervisorException thawnAfter(Domain domain, HypervisorException failure) {
        String problem = thaw(domain);
        if (problem == null) {
            return failure;
        }
        return new HypervisorException(failure.kind(), failure.code(), failure.getMessage() + "; and the guest's file"
                + " systems, frozen for the snapshot, could not be thawed: " + problem + " (thaw them with virsh"
                + " domfsthaw once its guest agent answers)", failure);
    }

    /** Thaws the file systems frozen for a snapshot, trying three times: null once thawed, else what libvirt said. */
    private static String thaw(Domain domain) {
        String problem = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                LibvirtNative.thawFileSystems(domain);
                return null;
            } catch (HypervisorException e) {
                problem = e.getMessage();
            }
        }
        return problem;
    }

    private static SnapshotFacts take(LibvirtSession session, Domain domain, String name, String description,
                                  SnapshotKind kind) throws LibvirtException {
        String xml = SnapshotXml.newSnapshot(name, description);
        int flags = 0;
        if (kind != SnapshotKind.INTERNAL) {
            // beside each disk, named as libvirt would: <file without extension>.<snapshot>
            Map<String, String> overlays = new LinkedHashMap<>();
            for (DiskFacts disk : DomainXmlReader.read(domain.getXMLDesc(0)).disks()) {
                if ("disk".equals(disk.device())) {
                    overlays.put(disk.target(), withoutExtension(diskPath(session, disk)) + "." + name);
                }
            }
            String memoryFile = kind == SnapshotKind.EXTERNAL_WITH_MEMORY && !overlays.isEmpty()
                    ? overlays.values().iterator().next() + ".mem" : null;
            xml = SnapshotXml.newExternalSnapshot(name, description, overlays, memoryFile);
            flags = LibvirtFlags.SNAPSHOT_CREATE_ATOMIC
                    | (memoryFile == null ? LibvirtFlags.SNAPSHOT_CREATE_DISK_ONLY : 0);
        }
        return LibvirtSession.freeing(domain.snapshotCreateXML(xml, flags),
                snapshot -> SnapshotXml.read(snapshot.getXMLDesc(), name));
    }

    /** The file or device behind a disk: its own path, or its pool volume's. */
    private static String diskPath(LibvirtSession session, DiskFacts disk) throws LibvirtException {
        if (disk.source() == null || disk.source().startsWith("/")) {
            return disk.source();
        }
        return session.volumeOf(disk.source(), volume -> volume.getPath());
    }

    private static String withoutExtension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash + 1 ? path.substring(0, dot) : path;
    }

    @Override
    public boolean revertsExternalSnapshots(long hostId) {
        return connections.call(hostId, session -> session.connect().getLibVirVersion() >= EXTERNAL_REVERT_SINCE);
    }

    @Override
    public void revertToSnapshot(long hostId, UUID uuid, String name) {
        connections.callUntilDone(hostId, session -> session.domain(uuid,
                domain -> LibvirtSession.snapshot(domain, name, domain::revertToSnapshot)));
    }

    /**
     * Deletes the snapshot. libvirt merges an external one's overlays back into the disks, but leaves its memory file:
     * that is deleted here too (through its pool, which is refreshed first since QEMU wrote the file, not the pool).
     */
    @Override
    public void deleteSnapshot(long hostId, UUID uuid, String name) {
        connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            String memoryFile = LibvirtSession.snapshot(domain, name, snapshot -> {
                String memory = SnapshotXml.read(snapshot.getXMLDesc(), null).memoryFile();
                snapshot.delete(0);
                return memory;
            });
            if (memoryFile != null) {
                refreshPoolsIn(session, memoryFile.substring(0, memoryFile.lastIndexOf('/')));
                Set<String> pools = new TreeSet<>();
                LibvirtStorage.deleteVolumesOf(session, List.of(memoryFile), pools);
                pools.forEach(pool -> events.publishEvent(new PoolVolumesChanged(hostId, pool)));
            }
            return null;
        }));
    }

    /** Refreshes the active pools whose directory is {@code directory}, so they list files written behind them. */
    private static void refreshPoolsIn(LibvirtSession session, String directory) throws LibvirtException {
        for (String poolName : session.connect().listStoragePools()) {
            session.pool(poolName, pool -> {
                if (directory.equals(StorageXml.poolTarget(pool.getXMLDesc(0)))) {
                    pool.refresh(0);
                }
                return null;
            });
        }
    }

    private static String currentSnapshotName(Domain domain) throws LibvirtException {
        if (domain.hasCurrentSnapshot() != 1) {
            return null;
        }
        return LibvirtSession.freeing(domain.snapshotCurrent(),
                current -> SnapshotXml.read(current.getXMLDesc(), null).name());
    }
}
