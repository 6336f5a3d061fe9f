package io.virtdeck.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.PoolAction;
import io.virtdeck.hypervisor.PoolVolume;
import io.virtdeck.hypervisor.PoolVolumesChanged;
import io.virtdeck.hypervisor.StorageGateway;
import io.virtdeck.inventory.Host;

/**
 * Pools that several hosts share (one NFS export, a cluster file system, one directory seen by two hosts) kept in step.
 * libvirt lists a pool's volumes as of its last start or refresh, so a volume made through one host is unknown to the
 * others until they look again, and a guest whose disk is {@code <source pool='p' volume='v'/>} cannot start there.
 * Two rules: a volume made, written or deleted through one host makes every host sharing that pool refresh it (in the
 * background), and before a guest's disks are put in front of another host, that host's pools are refreshed and its
 * volumes looked for ({@link #missingOn}).
 */
@Component
public class SharedPools {

    private static final Logger log = LoggerFactory.getLogger(SharedPools.class);

    private final StorageGateway gateway;
    private final JdbcClient jdbc;
    private final TaskExecutor background;

    SharedPools(StorageGateway gateway, JdbcClient jdbc,
                @Qualifier("applicationTaskExecutor") TaskExecutor background) {
        this.gateway = gateway;
        this.jdbc = jdbc;
        this.background = background;
    }

    /**
     * Refreshes the target's active pools that hold these volumes, then names each volume it still lacks ("volume 'v'
     * of pool 'p' is not on host 'h'"); empty when it has them all. A pool the target lacks or has inactive is left
     * to the caller's own checks.
     */
    public List<String> missingOn(Host target, Collection<PoolVolume> volumes) {
        Map<String, Boolean> refreshed = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (PoolVolume volume : volumes) {
            if (!refreshed.computeIfAbsent(volume.pool(), pool -> refresh(target.id(), pool))) {
                continue;
            }
            if (gateway.volume(target.id(), volume.pool(), volume.volume()).isEmpty()) {
                missing.add("volume '" + volume.volume() + "' of pool '" + volume.pool() + "' is not on host '"
                        + target.name() + "', even after refreshing the pool there");
            }
        }
        return missing;
    }

    /** Whether {@code other} has this host's pool {@code pool} over the same storage (see {@link #sharers}). */
    public boolean shares(long hostId, String pool, long other) {
        return hostId == other || sharers(hostId, pool).contains(other);
    }

    @EventListener
    void onVolumesChanged(PoolVolumesChanged change) {
        background.execute(() -> sharers(change.hostId(), change.pool()).forEach(host -> refresh(host, change.pool())));
    }

    /**
     * The other hosts whose pool of this name shares its storage: the same target path, or the same network source,
     * as every instance last read them (table pool_usage).
     */
    List<Long> sharers(long hostId, String pool) {
        return jdbc.sql("""
                        SELECT other.host_id FROM pool_usage own
                        JOIN pool_usage other ON other.name = own.name AND other.host_id <> own.host_id
                        WHERE own.host_id = :host AND own.name = :pool AND other.active
                          AND (other.path = own.path OR other.source = own.source)
                        ORDER BY other.host_id""")
                .param("host", hostId).param("pool", pool).query(Long.class).list();
    }

    /** Asks the host's pool to look at its storage again; false where it cannot (no such pool, inactive, away). */
    private boolean refresh(long hostId, String pool) {
        try {
            gateway.poolAction(hostId, pool, PoolAction.REFRESH);
            return true;
        } catch (HypervisorException e) {
            log.debug("host {}: pool {} not refreshed: {}", hostId, pool, e.getMessage());
            return false;
        }
    }
}
