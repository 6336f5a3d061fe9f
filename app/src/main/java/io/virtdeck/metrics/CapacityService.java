package io.virtdeck.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.inventory.HostState;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** The capacity dashboard's figures: from the inventory (one grouped query) and the pools last read. */
@Service
public class CapacityService {

    static final Capacity.GuestSize DEFAULT_SIZE = new Capacity.GuestSize(2, 4096);

    private record HostRow(long id, String name, HostState state, boolean maintenance, int cpus, long memoryMiB,
                           long guests, long activeGuests, long vcpusAllocated, long memoryAllocatedMiB,
                           long vcpusDefined, long memoryDefinedMiB) {
    }

    private final JdbcClient jdbc;
    private final PoolUsage pools;
    private final MetricsProperties properties;
    private final Permissions permissions;

    CapacityService(JdbcClient jdbc, PoolUsage pools, MetricsProperties properties, Permissions permissions) {
        this.jdbc = jdbc;
        this.permissions = permissions;
        this.pools = pools;
        this.properties = properties;
    }

    /** Over the hosts the user may read: the totals are theirs, not the fleet's, unless they see it all. */
    public Capacity capacity(Integer vcpus, Long memoryMiB) {
        Visible hosts = permissions.visibleOrDeny(Action.READ_HOST);
        return compute(size(vcpus, memoryMiB), hosts);
    }

    /** Unchecked: for the Prometheus gauges, whose endpoint has its own access rule. */
    Capacity compute(Capacity.GuestSize size) {
        return compute(size, Visible.EVERYTHING);
    }

    private Capacity compute(Capacity.GuestSize size, Visible hosts) {
        List<Capacity.HostCapacity> perHost = new ArrayList<>();
        Map<String, Long> states = new TreeMap<>();
        long guests = 0, active = 0, cpus = 0, memory = 0, vcpusAllocated = 0, memoryAllocated = 0, vcpusDefined = 0,
                memoryDefined = 0, storageCapacity = 0, storageAllocation = 0, fit = 0;
        Map<Long, List<PoolFacts>> poolsByHost = pools.byHost();
        for (HostRow row : hostRows(hosts)) {
            List<PoolFacts> hostPools = poolsByHost.getOrDefault(row.id(), List.of());
            long hostFit = fits(row, size);
            perHost.add(new Capacity.HostCapacity(row.id(), row.name(), row.state().name(), row.cpus(),
                    row.memoryMiB(), row.guests(), row.activeGuests(), row.vcpusAllocated(),
                    row.memoryAllocatedMiB(), row.vcpusDefined(), row.memoryDefinedMiB(),
                    ratio(row.vcpusAllocated(), row.cpus()), ratio(row.memoryAllocatedMiB(), row.memoryMiB()),
                    hostPools, hostFit));
            states.merge(row.state().name(), 1L, Long::sum);
            guests += row.guests();
            active += row.activeGuests();
            cpus += row.cpus();
            memory += row.memoryMiB();
            vcpusAllocated += row.vcpusAllocated();
            memoryAllocated += row.memoryAllocatedMiB();
            vcpusDefined += row.vcpusDefined();
            memoryDefined += row.memoryDefinedMiB();
            for (PoolFacts pool : hostPools) {
                storageCapacity += pool.capacityMiB();
                storageAllocation += pool.allocationMiB();
            }
            fit += hostFit;
        }
        Capacity.Totals totals = new Capacity.Totals(perHost.size(), guests, active, cpus, memory, vcpusAllocated,
                memoryAllocated, vcpusDefined, memoryDefined, ratio(vcpusAllocated, cpus),
                ratio(memoryAllocated, memory), storageCapacity, storageAllocation, fit);
        return new Capacity(totals, perHost, states, size, properties.vcpuOvercommit(),
                properties.memoryOvercommit());
    }

    /** Guests of {@code size} that still fit on the host: none on a host that is not connected or in maintenance. */
    private long fits(HostRow row, Capacity.GuestSize size) {
        if (row.state() != HostState.CONNECTED || row.maintenance()) {
            return 0;
        }
        long vcpuRoom = (long) Math.floor(row.cpus() * properties.vcpuOvercommit()) - row.vcpusAllocated();
        long memoryRoom = (long) Math.floor(row.memoryMiB() * properties.memoryOvercommit())
                - row.memoryAllocatedMiB();
        return Math.max(0, Math.min(vcpuRoom / size.vcpus(), memoryRoom / size.memoryMiB()));
    }

    private static Double ratio(long allocated, long physical) {
        return physical == 0 ? null : (double) allocated / physical;
    }

    private static Capacity.GuestSize size(Integer vcpus, Long memoryMiB) {
        if (vcpus != null && vcpus < 1) {
            throw VirtdeckException.invalid("vcpus", "vcpus is at least 1.");
        }
        if (memoryMiB != null && memoryMiB < 1) {
            throw VirtdeckException.invalid("memoryMiB", "memoryMiB is at least 1.");
        }
        return new Capacity.GuestSize(vcpus != null ? vcpus : DEFAULT_SIZE.vcpus(),
                memoryMiB != null ? memoryMiB : DEFAULT_SIZE.memoryMiB());
    }

    /** Every visible host with its guests summed in one pass over the guests table. */
    private List<HostRow> hostRows(Visible hosts) {
        // the fleet-wide query stays as it was for those who see everything
        String visible = hosts.everything() ? "" : " WHERE h.id = ANY(:hosts)";
        return jdbc.sql("""
                        SELECT h.id, h.name, h.state, h.maintenance, coalesce(h.cpus, 0), coalesce(h.memory_mib, 0),
                               coalesce(g.guests, 0), coalesce(g.active, 0), coalesce(g.vcpus_active, 0),
                               coalesce(g.memory_active, 0), coalesce(g.vcpus_all, 0), coalesce(g.memory_all, 0)
                        FROM hosts h LEFT JOIN (
                            SELECT host_id, count(*) AS guests,
                                   count(*) FILTER (WHERE state IN ('RUNNING', 'PAUSED', 'MIGRATING')) AS active,
                                   sum(vcpus) FILTER (WHERE state IN ('RUNNING', 'PAUSED', 'MIGRATING')) AS vcpus_active,
                                   sum(memory_mib) FILTER (WHERE state IN ('RUNNING', 'PAUSED', 'MIGRATING'))
                                       AS memory_active,
                                   sum(vcpus) AS vcpus_all, sum(memory_mib) AS memory_all
                            FROM guests GROUP BY host_id) g ON g.host_id = h.id
                        """ + visible + " ORDER BY lower(h.name)")
                .param("hosts", hosts.hostIdArray())
                .query((rs, n) -> new HostRow(rs.getLong(1), rs.getString(2), HostState.valueOf(rs.getString(3)),
                        rs.getBoolean(4), rs.getInt(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getLong(11), rs.getLong(12)))
                .list();
    }
}
