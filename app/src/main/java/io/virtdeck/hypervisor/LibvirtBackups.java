package io.virtdeck.hypervisor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.libvirt.Domain;
import org.libvirt.DomainCheckpoint;
import org.libvirt.DomainJobStats;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.StoragePool;
import org.libvirt.Stream;
import org.libvirt.TypedParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;

/** The libvirt-backed {@link BackupGateway}. */
@Component
class LibvirtBackups implements BackupGateway {

    private static final Logger log = LoggerFactory.getLogger(LibvirtBackups.class);

    private final HostConnections connections;
    private final ApplicationEventPublisher events;

    LibvirtBackups(HostConnections connections, ApplicationEventPublisher events) {
        this.connections = connections;
        this.events = events;
    }

    @Override
    public List<CheckpointFacts> checkpoints(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            List<CheckpointFacts> found = new ArrayList<>();
            DomainCheckpoint[] checkpoints = domain.listAllCheckpoints(0);
            try {
                for (DomainCheckpoint checkpoint : checkpoints) {
                    found.add(BackupXml.readCheckpoint(checkpoint.getXMLDesc()));
                }
            } finally {
                for (DomainCheckpoint checkpoint : checkpoints) {
                    checkpoint.free();
                }
            }
            return found;
        }));
    }

    @Override
    public void deleteCheckpoint(long hostId, UUID uuid, String name) {
        connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            DomainCheckpoint checkpoint = domain.checkpointLookupByName(name);
            try {
                return checkpoint.delete(0);
            } finally {
                checkpoint.free();
            }
        }));
    }

    @Override
    public String definition(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid,
                domain -> domain.getXMLDesc(LibvirtFlags.XML_INACTIVE)));
    }

    @Override
    public long diskBytes(long hostId, String source) {
        return connections.call(hostId, session -> session.volumeOf(source, volume -> volume.getInfo().capacity));
    }

    @Override
    public BackupStarted beginBackup(long hostId, UUID uuid, BackupRequest request) {
        BackupStarted started = connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            DomainXmlReader.DomainConfig config = DomainXmlReader.read(domain.getXMLDesc(0));
            Map<String, String> sourceByDisk = new LinkedHashMap<>();
            List<String> skipped = new ArrayList<>();
            for (DiskFacts disk : config.disks()) {
                if (request.targets().stream().anyMatch(t -> t.disk().equals(disk.target()))) {
                    sourceByDisk.put(disk.target(), disk.source());
                } else {
                    skipped.add(disk.target());
                }
            }
            List<PooledVolume> targets = new ArrayList<>();
            List<PooledVolume> made = new ArrayList<>(); // what a failed begin takes back
            boolean startPaused = domain.isActive() != 1;
            try {
                Map<String, String> fileByDisk = new LinkedHashMap<>();
                session.pool(request.pool(), pool -> {
                    for (BackupTarget target : request.targets()) {
                        String source = sourceByDisk.get(target.disk());
                        if (source == null) {
                            throw new HypervisorException(HypervisorException.Kind.NOT_FOUND,
                                    "the domain has no disk " + target.disk());
                        }
                        VolumeFacts volume = request.targetsMade()
                                ? LibvirtSession.volume(pool, target.volume(), LibvirtStorage::read)
                                : createTarget(session, pool, target, source);
                        targets.add(new PooledVolume(request.pool(), volume));
                        if (!request.targetsMade()) {
                            made.add(targets.get(targets.size() - 1));
                        }
                        fileByDisk.put(target.disk(), volume.path());
                    }
                    return null;
                });
                if (startPaused) {
                    domain.create(LibvirtFlags.START_PAUSED);
                }
                int frozen = 0;
                String freezeNote = null;
                if (request.quiesce() && !startPaused) {
                    try {
                        frozen = LibvirtNative.freezeFileSystems(domain);
                    } catch (HypervisorException e) {
                        freezeNote = e.getMessage();
                    }
                }
                try {
                    domain.backupBegin(BackupXml.backup(request.incrementalFrom(), fileByDisk, skipped),
                            BackupXml.checkpoint(request.checkpoint(), fileByDisk.keySet(), skipped),
                            LibvirtFlags.BACKUP_BEGIN_REUSE_EXTERNAL);
                } finally {
                    if (frozen > 0) {
                        LibvirtNative.thawFileSystems(domain);
                    }
                }
                return new BackupStarted(targets, startPaused, frozen, freezeNote);
            } catch (LibvirtException | RuntimeException e) {
                undo(session, domain, startPaused, made);
                throw e;
            }
        }));
        events.publishEvent(new PoolVolumesChanged(hostId, request.pool()));
        return started;
    }

    /** A full backup's empty qcow2 of the disk's size, or an incremental one's overlay of the previous point. */
    private static VolumeFacts createTarget(LibvirtSession session, StoragePool pool, BackupTarget target,
                                            String source) throws LibvirtException {
        return createTarget(pool, target, session.volumeOf(source, v -> v.getInfo().capacity));
    }

    private static VolumeFacts createTarget(StoragePool pool, BackupTarget target, long bytes)
            throws LibvirtException {
        String xml = target.base() == null ? StorageXml.emptyVolume(target.volume(), bytes, "qcow2")
                : StorageXml.backupOverlay(target.volume(), bytes, target.base());
        return LibvirtSession.freeing(pool.storageVolCreateXML(xml, 0), LibvirtStorage::read);
    }

    @Override
    public VolumeFacts createTarget(long hostId, String pool, BackupTarget target, long capacityBytes) {
        VolumeFacts made = connections.call(hostId, session -> session.pool(pool, p -> createTarget(p, target,
                capacityBytes)));
        events.publishEvent(new PoolVolumesChanged(hostId, pool));
        return made;
    }

    /** Takes back what a failed begin made; its own failures are logged, the begin's failure is what counts. */
    private static void undo(LibvirtSession session, Domain domain, boolean startedPaused, List<PooledVolume> made) {
        try {
            if (startedPaused && domain.isActive() == 1) {
                domain.destroy();
            }
        } catch (LibvirtException e) {
            log.warn("stopping a domain started for a backup that did not begin: {}", e.getMessage());
        }
        for (PooledVolume volume : made) {
            try {
                session.volume(volume.pool(), volume.volume().name(), target -> {
                    target.delete(0);
                    return null;
                });
            } catch (LibvirtException e) {
                log.warn("deleting backup target {}: {}", volume.volume().path(), e.getMessage());
            }
        }
    }

    @Override
    public BackupProgress backupJob(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            if (domain.isActive() != 1) {
                return new BackupProgress(BackupProgress.State.NONE, 0, 0, "the guest is not running");
            }
            DomainJobStats running = domain.getJobStats(0);
            if (running.type != LibvirtFlags.JOB_NONE) {
                Stats stats = new Stats(running.stats);
                return stats.backup() ? new BackupProgress(BackupProgress.State.RUNNING, stats.number("disk_total"),
                        stats.number("disk_processed"), null)
                        : new BackupProgress(BackupProgress.State.NONE, 0, 0, "another job runs");
            }
            DomainJobStats completed = domain.getJobStats(LibvirtFlags.JOB_STATS_COMPLETED);
            Stats stats = new Stats(completed.stats);
            if (!stats.backup()) {
                return new BackupProgress(BackupProgress.State.NONE, 0, 0, null);
            }
            BackupProgress.State state = switch (completed.type) {
                case LibvirtFlags.JOB_COMPLETED -> BackupProgress.State.COMPLETED;
                case LibvirtFlags.JOB_CANCELLED -> BackupProgress.State.CANCELLED;
                default -> BackupProgress.State.FAILED;
            };
            return new BackupProgress(state, stats.number("disk_total"), stats.number("disk_processed"),
                    stats.text("errmsg"));
        }));
    }

    /** A job's statistics by name (virDomainGetJobStats' typed parameters). */
    private record Stats(Map<String, TypedParameter> byName) {

        Stats(TypedParameter[] parameters) {
            this(index(parameters));
        }

        private static Map<String, TypedParameter> index(TypedParameter[] parameters) {
            Map<String, TypedParameter> byName = new LinkedHashMap<>();
            for (TypedParameter parameter : parameters == null ? new TypedParameter[0] : parameters) {
                byName.put(parameter.field, parameter);
            }
            return byName;
        }

        boolean backup() {
            return number("operation") == LibvirtFlags.JOB_OPERATION_BACKUP;
        }

        long number(String name) {
            String value = text(name);
            try {
                return value == null ? 0 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        String text(String name) {
            TypedParameter parameter = byName.get(name);
            return parameter == null ? null : parameter.getValueAsString();
        }
    }

    @Override
    public void abortBackup(long hostId, UUID uuid) {
        connections.call(hostId, session -> session.domain(uuid, Domain::abortJob));
    }

    @Override
    public void stopPaused(long hostId, UUID uuid) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
            return null;
        }));
    }

    @Override
    public VolumeFacts restoreVolume(long hostId, String fromPool, String fromVolume, String toPool, String name) {
        VolumeFacts restored = connections.callUntilDone(hostId, session -> session.pool(toPool, target ->
                session.volume(fromPool, fromVolume, source -> LibvirtSession.freeing(target.storageVolCreateXMLFrom(
                        StorageXml.restoredCopyOf(source.getXMLDesc(0), name), source, 0), LibvirtStorage::read))));
        events.publishEvent(new PoolVolumesChanged(hostId, toPool));
        return restored;
    }

    @Override
    public void defineRestored(long hostId, String definition, String name, UUID uuid,
                               Map<String, PooledVolume> disks) {
        String xml = DomainCloneXml.write(definition, name, uuid, disks);
        connections.call(hostId, session -> session.connect().domainDefineXML(xml).free());
    }

    @Override
    public void replaceDisks(long hostId, UUID uuid, Map<String, PooledVolume> disks) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            String xml = DomainCloneXml.withDisks(domain.getXMLDesc(LibvirtFlags.DEFINITION_WITH_SECRETS), disks);
            session.connect().domainDefineXML(xml).free();
            DomainCheckpoint[] checkpoints = domain.listAllCheckpoints(0);
            try {
                for (DomainCheckpoint checkpoint : checkpoints) {
                    checkpoint.delete(LibvirtFlags.CHECKPOINT_DELETE_METADATA_ONLY);
                }
            } finally {
                for (DomainCheckpoint checkpoint : checkpoints) {
                    checkpoint.free();
                }
            }
            return null;
        }));
    }

    @Override
    public void defineIsolated(long hostId, String definition, String name, UUID uuid,
                               Map<String, PooledVolume> disks, String network) {
        String xml = DomainCloneXml.isolatedClone(definition, name, uuid, disks, network);
        connections.call(hostId, session -> {
            if (!session.networks().containsKey(network)) {
                Network made = session.connect().networkDefineXML(NetworkXml.write(
                        new NetworkFacts(network, "isolated", null, false, false, null, null)));
                made.free();
            }
            session.network(network, net -> {
                if (net.isActive() != 1) {
                    net.create();
                }
                return null;
            });
            session.connect().domainDefineXML(xml).free();
            return null;
        });
    }

    @Override
    public String serialShows(long hostId, UUID uuid, String text, Duration limit) {
        return connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            Stream stream = session.connect().streamNew(LibvirtFlags.STREAM_NONBLOCK);
            try {
                LibvirtNative.openConsole(domain, stream);
                StringBuilder seen = new StringBuilder();
                byte[] chunk = new byte[4096];
                long deadline = System.nanoTime() + limit.toNanos();
                while (System.nanoTime() < deadline) {
                    int read = LibvirtNative.receive(stream, chunk);
                    if (read > 0) {
                        seen.append(new String(chunk, 0, read, StandardCharsets.ISO_8859_1));
                        if (seen.indexOf(text) >= 0) {
                            return seen.toString();
                        }
                    } else if (read == LibvirtFlags.STREAM_NO_DATA) {
                        Thread.sleep(100);
                    } else {
                        break; // the console closed: the guest stopped
                    }
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                try {
                    stream.abort();
                } catch (LibvirtException e) {
                    log.debug("closing a console stream: {}", e.getMessage());
                }
                stream.free();
            }
        }));
    }

    @Override
    public boolean agentAnswers(long hostId, UUID uuid, int seconds) {
        return connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> {
            try {
                domain.qemuAgentCommand("{\"execute\":\"guest-ping\"}", seconds, 0);
                return true;
            } catch (LibvirtException e) {
                return false;
            }
        }));
    }

    @Override
    public void removeDomain(long hostId, UUID uuid) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
            domain.undefine();
            return null;
        }));
    }
}
