package io.virtdeck.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.virtdeck.core.HypervisorException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.hypervisor.HostConnectionChanged;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.hypervisor.StorageGateway;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every host's storage pools as last read, for the capacity dashboard: it must answer at once for hundreds of hosts,
 * so it never asks libvirt itself. Each instance reads the hosts it monitors (when one connects, and then on an
 * interval) into PostgreSQL (V20), so that every instance answers for all hosts while each host is asked once. A host
 * that stops answering keeps its last figures until it is removed.
 */
@Component
class PoolUsage {

    /** The forecasts look 30 days back; a day more keeps the oldest hour whole. */
    private static final int HISTORY_KEPT_DAYS = 31;

    private final ConnectionGateway connectionGateway;
    private final StorageGateway storageGateway;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    PoolUsage(ConnectionGateway connectionGateway, StorageGateway storageGateway, JdbcClient jdbc,
              TransactionTemplate transaction) {
        this.connectionGateway = connectionGateway;
        this.storageGateway = storageGateway;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @EventListener
    void onConnected(HostConnectionChanged change) {
        if (change.state() == ConnectionState.CONNECTED) {
            read(change.hostId());
        }
    }

    @Scheduled(fixedDelayString = "${virtdeck.metrics.pools-interval:1m}",
            initialDelayString = "${virtdeck.metrics.pools-interval:1m}")
    void refresh() {
        connectionGateway.monitoredHosts().forEach(this::read);
    }

    /** Pools of every host, by host id. */
    Map<Long, List<PoolFacts>> byHost() {
        Map<Long, List<PoolFacts>> byHost = new HashMap<>();
        jdbc.sql("""
                        SELECT host_id, name, type, active, capacity_mib, allocation_mib, available_mib, autostart, path,
                               source
                        FROM pool_usage ORDER BY host_id, name""")
                .query((row, n) -> byHost.computeIfAbsent(row.getLong("host_id"), id -> new ArrayList<>())
                        .add(new PoolFacts(row.getString("name"), row.getString("type"), row.getBoolean("active"),
                                row.getLong("capacity_mib"), row.getLong("allocation_mib"),
                                row.getLong("available_mib"), row.getBoolean("autostart"), row.getString("path"),
                                row.getString("source"))))
                .list();
        return byHost;
    }

    private void read(long hostId) {
        List<PoolFacts> pools;
        try {
            pools = storageGateway.pools(hostId);
        } catch (HypervisorException e) {
            return; // keeps the last figures; the host's state tells the reader they are not current
        }
        transaction.executeWithoutResult(status -> {
            // two reads of one host may overlap (its connection's event and the interval; a lease changing hands):
            // the host's row lock puts them one after the other, so neither inserts what the other just wrote
            jdbc.sql("SELECT id FROM hosts WHERE id = :host FOR NO KEY UPDATE").param("host", hostId).query(Long.class).list();
            jdbc.sql("DELETE FROM pool_usage WHERE host_id = :host").param("host", hostId).update();
            for (PoolFacts pool : pools) {
                // a host removed meanwhile has no row to refer to: nothing is written for it
                jdbc.sql("""
                                INSERT INTO pool_usage (host_id, name, type, active, capacity_mib, allocation_mib,
                                                        available_mib, autostart, path, source)
                                SELECT id, :name, :type, :active, :capacity, :allocation, :available, :autostart, :path,
                                       :source
                                FROM hosts WHERE id = :host""")
                        .param("host", hostId).param("name", pool.name()).param("type", pool.type())
                        .param("active", pool.active()).param("capacity", pool.capacityMiB())
                        .param("allocation", pool.allocationMiB()).param("available", pool.availableMiB())
                        .param("autostart", pool.autostart()).param("path", pool.path())
                        .param("source", pool.source()).update();
                // the hour's row holds its last reading: the forecasts' history
                jdbc.sql("""
                                INSERT INTO pool_usage_history (host_id, name, at, capacity_mib, allocation_mib)
                                SELECT id, :name, date_bin(INTERVAL '1 hour', now(), TIMESTAMPTZ '1970-01-01 00:00:00+00'),
                                       :capacity, :allocation
                                FROM hosts WHERE id = :host
                                ON CONFLICT (host_id, name, at) DO UPDATE
                                SET capacity_mib = excluded.capacity_mib, allocation_mib = excluded.allocation_mib""")
                        .param("host", hostId).param("name", pool.name()).param("capacity", pool.capacityMiB())
                        .param("allocation", pool.allocationMiB()).update();
            }
            jdbc.sql("DELETE FROM pool_usage_history WHERE host_id = :host AND at < now() - make_interval(days => :keep)")
                    .param("host", hostId).param("keep", HISTORY_KEPT_DAYS).update();
        });
    }
}
