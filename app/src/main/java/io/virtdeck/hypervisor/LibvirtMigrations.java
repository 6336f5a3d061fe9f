package io.virtdeck.hypervisor;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.libvirt.Domain;
import org.libvirt.DomainJobStats;
import org.libvirt.LibvirtException;
import org.libvirt.TypedIntParameter;
import org.libvirt.TypedLongParameter;
import org.libvirt.TypedParameter;
import org.libvirt.TypedUintParameter;
import org.libvirt.TypedUlongParameter;
import org.springframework.stereotype.Component;

/** The libvirt-backed {@link MigrationGateway}. */
@Component
class LibvirtMigrations implements MigrationGateway {

    private final HostConnections connections;

    LibvirtMigrations(HostConnections connections) {
        this.connections = connections;
    }

    @Override
    public MigrationNeeds migrationNeeds(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            String hostCpu = CapabilitiesReader.read(session.connect().getCapabilities()).cpuXml();
            MigrationNeeds needs = DomainXmlReader.migrationNeeds(domain.getXMLDesc(0), hostCpu,
                    domain.snapshotNum());
            return withPoolsOfPaths(session, needs);
        }));
    }

    @Override
    public MigrationNeeds needsOfDefinition(String definitionXml) {
        return DomainXmlReader.migrationNeeds(definitionXml, null, 0);
    }

    /**
     * Disks given by path join the pool that holds them (and its volume the volumes), so that the target is checked
     * for that pool and volume.
     */
    private static MigrationNeeds withPoolsOfPaths(LibvirtSession session, MigrationNeeds needs)
            throws LibvirtException {
        Set<String> pools = new TreeSet<>(needs.pools());
        Set<PoolVolume> volumes = new LinkedHashSet<>(needs.volumes());
        Set<String> unpooled = new TreeSet<>();
        for (String path : needs.unpooledDisks()) {
            // a path no pool holds is not found
            Optional<PoolVolume> pooled = LibvirtSession.ifFound(() -> session.volumeAt(path,
                    volume -> LibvirtSession.poolOf(volume, pool -> new PoolVolume(pool.getName(), volume.getName()))));
            pooled.ifPresentOrElse(volume -> {
                pools.add(volume.pool());
                volumes.add(volume);
            }, () -> unpooled.add(path));
        }
        return new MigrationNeeds(needs.networks(), pools, volumes, unpooled, needs.cpuXml(), needs.arch(),
                needs.snapshots(), needs.domainType());
    }

    @Override
    public void migrate(long hostId, UUID uuid, String targetUri, MigrationOptions options) {
        // peer-to-peer: the URI is the target libvirtd's, which the source daemon connects to itself
        connections.callUntilDone(hostId, session -> session.domain(uuid, domain -> domain.migrateToURI(targetUri,
                migrateFlags(options, domain.isPersistent() == 1), null,
                options.bandwidthMiBps() == null ? 0 : options.bandwidthMiBps())));
    }

    private static int migrateFlags(MigrationOptions options, boolean persistent) {
        int flags = Domain.MigrateFlags.PEER2PEER;
        if (persistent) {
            flags |= Domain.MigrateFlags.PERSIST_DEST | Domain.MigrateFlags.UNDEFINE_SOURCE;
        }
        if (options.live()) {
            flags |= Domain.MigrateFlags.LIVE;
            flags |= options.autoConverge() ? Domain.MigrateFlags.AUTO_CONVERGE : 0;
            flags |= options.postCopy() ? Domain.MigrateFlags.POSTCOPY : 0;
            flags |= options.copyStorage() ? Domain.MigrateFlags.NON_SHARED_DISK : 0;
        } else {
            flags |= Domain.MigrateFlags.OFFLINE;
        }
        flags |= options.unsafe() ? Domain.MigrateFlags.UNSAFE : 0;
        return flags;
    }

    @Override
    public Optional<MigrationProgress> migrationProgress(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            DomainJobStats stats = domain.getJobStats(0);
            if (stats.type == LibvirtFlags.JOB_NONE) {
                return Optional.empty();
            }
            Map<String, Long> values = numbers(stats.stats);
            return Optional.of(new MigrationProgress(values.getOrDefault("time_elapsed", 0L),
                    values.getOrDefault("data_total", 0L), values.getOrDefault("data_processed", 0L),
                    values.getOrDefault("data_remaining", 0L), values.getOrDefault("memory_bps", 0L),
                    values.getOrDefault("memory_iteration", 0L), values.getOrDefault("downtime", -1L)));
        }));
    }

    @Override
    public Optional<Long> lastMigrationDowntimeMs(long hostId, UUID uuid) {
        return connections.call(hostId, session -> session.domain(uuid, domain -> {
            DomainJobStats stats = domain.getJobStats(LibvirtFlags.JOB_STATS_COMPLETED);
            return Optional.ofNullable(numbers(stats.stats).get("downtime"));
        }));
    }

    @Override
    public void setMigrationMaxDowntime(long hostId, UUID uuid, long milliseconds) {
        connections.call(hostId, session -> session.domain(uuid, domain -> domain.migrateSetMaxDowntime(milliseconds)));
    }

    @Override
    public void startPostCopy(long hostId, UUID uuid) {
        connections.call(hostId, session -> session.domain(uuid, domain -> {
            LibvirtNative.startPostCopy(domain);
            return null;
        }));
    }

    @Override
    public void abortJob(long hostId, UUID uuid) {
        connections.call(hostId, session -> session.domain(uuid, Domain::abortJob));
    }

    /** Job statistics that are numbers, by name. */
    private static Map<String, Long> numbers(TypedParameter[] parameters) {
        Map<String, Long> values = new HashMap<>();
        for (TypedParameter parameter : parameters == null ? new TypedParameter[0] : parameters) {
            if (parameter instanceof TypedUlongParameter p) {
                values.put(p.field, p.value);
            } else if (parameter instanceof TypedLongParameter p) {
                values.put(p.field, p.value);
            } else if (parameter instanceof TypedUintParameter p) {
                values.put(p.field, (long) p.value);
            } else if (parameter instanceof TypedIntParameter p) {
                values.put(p.field, (long) p.value);
            }
        }
        return values;
    }
}
