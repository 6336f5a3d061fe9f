package io.virtdeck.hypervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.libvirt.StorageVolInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link StorageGateway}. */
@Component
class LibvirtStorage implements StorageGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtStorage.class);

    private final HostConnections connections;
    private final ApplicationEventPublisher events;

    LibvirtStorage(HostConnections connections, ApplicationEventPublisher events) {
        this.connections = connections;
        this.events = events;
    }

    @Override
    public List<PoolFacts> pools(long hostId) {
        return connections.call(hostId, session -> {
            List<PoolFacts> pools = new ArrayList<>();
            for (Map.Entry<String, Boolean> name : session.pools().entrySet()) {
                pools.add(session.pool(name.getKey(), pool -> {
                    StoragePoolInfo info = pool.getInfo();
                    String xml = pool.getXMLDesc(0);
                    return new PoolFacts(name.getKey(), StorageXml.poolType(xml), name.getValue(),
                            mib(info.capacity), mib(info.allocation), mib(info.available), pool.getAutostart(),
                            StorageXml.poolTarget(xml), StorageXml.poolSource(xml));
                }));
            }
            return pools;
        });
    }

    @Override
    public PoolFacts createPool(long hostId, PoolSpec spec, boolean build) {
        connections.call(hostId, session -> {
            StoragePool pool = session.connect().storagePoolDefineXML(StorageXml.newPool(spec), 0);
            boolean built = false;
            try {
                if (build) {
                    pool.build(0);
                    built = true;
                }
                pool.create(0);
                pool.setAutostart(1);
            } catch (LibvirtException e) {
                if (pool.isActive() == 1) {
                    pool.destroy();
                }
                if (built) {
                    try {
                        pool.delete(0); // undoes only what this build made: an empty directory, a new volume group
                    } catch (LibvirtException cleanup) {
                        log.warn("host {}: what building pool {} made is left: {}", hostId, spec.name(),
                                LibvirtErrors.message(cleanup));
                    }
                }
                pool.undefine(); // nothing half made: a pool that cannot start is not left defined
                throw e;
            } finally {
                pool.free();
            }
            return null;
        });
        return pools(hostId).stream().filter(p -> p.name().equals(spec.name())).findFirst().orElseThrow();
    }

    @Override
    public void poolAction(long hostId, String name, PoolAction action) {
        onPool(hostId, name, pool -> {
            switch (action) {
                case BUILD -> pool.build(0);
                case START -> pool.create(0);
                case STOP -> pool.destroy();
                case REFRESH -> pool.refresh(0);
                case AUTOSTART_ON -> pool.setAutostart(1);
                case AUTOSTART_OFF -> pool.setAutostart(0);
            }
            return null;
        });
    }

    @Override
    public void deletePool(long hostId, String name, boolean removeEmptyDirectory) {
        onPool(hostId, name, pool -> {
            if (pool.isActive() == 1) {
                pool.destroy();
            }
            if (removeEmptyDirectory) {
                try {
                    pool.delete(0); // rmdir: libvirt leaves a directory that still holds files
                } catch (LibvirtException e) {
                    log.debug("host {}: directory of pool {} kept: {}", hostId, name, LibvirtErrors.message(e));
                }
            }
            pool.undefine();
            return null;
        });
    }

    @Override
    public List<VolumeFacts> volumes(long hostId, String pool) {
        return onPool(hostId, pool, storagePool -> {
            try {
                storagePool.refresh(0);
            } catch (LibvirtException e) {
                log.debug("host {}: pool {} not refreshed: {}", hostId, pool, LibvirtErrors.message(e));
            }
            List<VolumeFacts> volumes = new ArrayList<>();
            for (String name : storagePool.listVolumes()) {
                volumes.add(LibvirtSession.volume(storagePool, name, LibvirtStorage::read));
            }
            volumes.sort(Comparator.comparing(VolumeFacts::name));
            return volumes;
        });
    }

    @Override
    public Optional<VolumeFacts> volume(long hostId, String pool, String name) {
        // a missing pool is an error; a missing volume is an answer
        return onPool(hostId, pool, storagePool -> LibvirtSession.ifFound(
                () -> LibvirtSession.volume(storagePool, name, LibvirtStorage::read)));
    }

    @Override
    public Optional<Instant> volumeWrittenAt(long hostId, String pool, String volume) {
        Optional<String> xml = onPool(hostId, pool, storagePool -> {
            Optional<String> found = LibvirtSession.ifFound(() -> LibvirtSession.volume(storagePool, volume,
                    vol -> vol.getXMLDesc(0)));
            if (found.isPresent()) {
                return found;
            }
            storagePool.refresh(0);
            return LibvirtSession.ifFound(() -> LibvirtSession.volume(storagePool, volume, vol -> vol.getXMLDesc(0)));
        });
        // libvirt reads the file's times again for each description of a volume of a directory or file system pool
        return xml.map(description -> StorageXml.modifiedAt(description).orElseThrow(() -> new HypervisorException(
                HypervisorException.Kind.UNSUPPORTED, "pool '" + pool + "' keeps no modification times of its"
                + " volumes")));
    }

    @Override
    public Optional<PooledVolume> diskVolume(long hostId, String source) {
        return connections.call(hostId, session -> LibvirtSession.ifFound(() -> session.volumeOf(source,
                volume -> LibvirtSession.poolOf(volume, pool -> new PooledVolume(pool.getName(), read(volume))))));
    }

    @Override
    public Optional<String> volumeBackingFile(long hostId, String pool, String volume) {
        return connections.call(hostId, session -> session.volume(pool, volume,
                found -> Optional.ofNullable(StorageXml.backingFile(found.getXMLDesc(0)))));
    }

    /** Without the call timeout: allocating a large raw volume on slow storage takes as long as it takes. */
    @Override
    public VolumeFacts createVolume(long hostId, String pool, NewVolume newVolume) {
        return volumesChanged(hostId, pool, connections.callUntilDone(hostId, session -> session.pool(pool,
                storagePool -> LibvirtSession.freeing(
                        storagePool.storageVolCreateXML(StorageXml.newVolume(newVolume), 0), LibvirtStorage::read))));
    }

    /** Without the call timeout: copying a large disk takes as long as the storage needs. */
    @Override
    public VolumeFacts copyVolume(long hostId, String fromPool, String source, String toPool, String name) {
        return volumesChanged(hostId, toPool, connections.callUntilDone(hostId, session -> session.pool(toPool,
                target -> session.volume(fromPool, source, original -> LibvirtSession.freeing(
                        target.storageVolCreateXMLFrom(StorageXml.copyOf(original.getXMLDesc(0), name),
                                original, 0), LibvirtStorage::read)))));
    }

    @Override
    public VolumeFacts resizeVolume(long hostId, String pool, String name, long capacityMiB) {
        return volumesChanged(hostId, pool, connections.call(hostId, session -> session.volume(pool, name, volume -> {
            volume.resize(capacityMiB * 1024 * 1024, 0);
            return read(volume);
        })));
    }

    @Override
    public VolumeFacts linkVolume(long hostId, String pool, String source, String name) {
        return volumesChanged(hostId, pool, connections.callUntilDone(hostId, session -> session.pool(pool,
                storagePool -> {
                    String overlayXml = LibvirtSession.volume(storagePool, source,
                            original -> StorageXml.overlayOf(original.getXMLDesc(0), name));
                    return LibvirtSession.freeing(storagePool.storageVolCreateXML(overlayXml, 0),
                            LibvirtStorage::read);
                })));
    }

    @Override
    public void deleteVolume(long hostId, String pool, String name) {
        volumesChanged(hostId, pool, connections.call(hostId, session -> session.volume(pool, name, volume -> {
            volume.delete(0);
            return null;
        })));
    }

    /** Tells the hosts sharing the pool's storage (see {@link PoolVolumesChanged}); returns {@code result}. */
    private <T> T volumesChanged(long hostId, String pool, T result) {
        events.publishEvent(new PoolVolumesChanged(hostId, pool));
        return result;
    }

    private <T> T onPool(long hostId, String name, LibvirtSession.Work<StoragePool, T> work) {
        return connections.call(hostId, session -> session.pool(name, work));
    }

    /**
     * Deletes the volumes behind these disk sources (paths, or "pool/volume"), adding the names of their pools to
     * {@code pools}; returns the sources deleted. Files that are not volumes in a pool are left alone.
     */
    static List<String> deleteVolumesOf(LibvirtSession session, List<String> sources, Set<String> pools)
            throws LibvirtException {
        List<String> deleted = new ArrayList<>();
        for (String source : sources) {
            Optional<String> pool = LibvirtSession.ifFound(() -> session.volumeOf(source, volume -> {
                String name = LibvirtSession.poolOf(volume, StoragePool::getName);
                volume.delete(0);
                return name;
            }));
            pool.ifPresentOrElse(name -> {
                pools.add(name);
                deleted.add(source);
            }, () -> log.info("disk {} is not a volume in a pool; left in place", source));
        }
        return deleted;
    }

    static VolumeFacts read(StorageVol volume) throws LibvirtException {
        StorageVolInfo info = volume.getInfo();
        VolumeFacts.Kind kind = switch (info.type) {
            case VIR_STORAGE_VOL_FILE -> VolumeFacts.Kind.FILE;
            case VIR_STORAGE_VOL_BLOCK -> VolumeFacts.Kind.BLOCK;
            default -> VolumeFacts.Kind.OTHER;
        };
        return new VolumeFacts(volume.getName(), volume.getPath(), kind, StorageXml.volumeFormat(volume.getXMLDesc(0)),
                mib(info.capacity), mib(info.allocation));
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
