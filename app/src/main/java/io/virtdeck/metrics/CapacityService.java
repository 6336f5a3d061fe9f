package io.virtdeck.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.virtdeck.core.Csv;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.PoolFacts;
import io.virtdeck.inventory.HostState;
import io.virtdeck.metrics.forecast.Forecast;
import io.virtdeck.metrics.forecast.ForecastService;
import io.virtdeck.metrics.forecast.PoolForecast;
import io.virtdeck.migration.AntiAffinityGroups;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The capacity dashboard's figures: from the inventory (grouped queries), the pools last read and their history, and
 * the N+1 check played through in memory over the hosts.
 */
@Service
public class CapacityService {

    static final Capacity.GuestSize DEFAULT_SIZE = new Capacity.GuestSize(2, 4096);
    /**
     * The N+1 check over every host is reused this long for those who see them all: a wall screen reloads often, and
     * playing 50,000 guests through every host's loss costs more than the rest of the page.
     */
    static final java.time.Duration N_PLUS_ONE_FRESH_FOR = java.time.Duration.ofSeconds(10);
    private static final String ACTIVE = "state IN ('RUNNING', 'PAUSED', 'MIGRATING')";

    private record HostRow(long id, String name, HostState state, boolean maintenance, int cpus, long memoryMiB,
                           long guests, long activeGuests, long vcpusAllocated, long memoryAllocatedMiB,
                           long vcpusDefined, long memoryDefinedMiB) {

        NPlusOneCheck.HostLoad load() {
            return new NPlusOneCheck.HostLoad(id, name, state == HostState.CONNECTED && !maintenance, cpus, memoryMiB,
                    vcpusAllocated, memoryAllocatedMiB);
        }
    }

    private record LastCheck(long takenAt, Capacity.GuestSize size, NPlusOne result) {
    }

    private volatile LastCheck lastCheck;
    private final JdbcClient jdbc;
    private final PoolUsage pools;
    private final MetricsProperties properties;
    private final Permissions permissions;
    private final ForecastService forecasts;
    private final AntiAffinityGroups antiAffinity;

    CapacityService(JdbcClient jdbc, PoolUsage pools, MetricsProperties properties, Permissions permissions,
                    ForecastService forecasts, AntiAffinityGroups antiAffinity) {
        this.jdbc = jdbc;
        this.permissions = permissions;
        this.pools = pools;
        this.properties = properties;
        this.forecasts = forecasts;
        this.antiAffinity = antiAffinity;
    }

    /**
     * Over the hosts the user may read: the totals are theirs, not the fleet's, unless they see it all.
     *
     * @param nPlusOne the room left and the memory forecast keep the loss of one host in reserve
     */
    public Capacity capacity(Integer vcpus, Long memoryMiB, boolean nPlusOne) {
        Visible hosts = permissions.visibleOrDeny(Action.READ_HOST);
        return compute(size(vcpus, memoryMiB), hosts, nPlusOne);
    }

    /** Unchecked: for the Prometheus gauges, whose endpoint has its own access rule. */
    Capacity compute(Capacity.GuestSize size) {
        return compute(size, Visible.EVERYTHING, false);
    }

    /**
     * The capacity table as CSV (RFC 4180, a header line): one line per host and pool (a host without pools has one
     * line with the pool's cells empty), the same figures as {@link #capacity(Integer, Long, boolean)}.
     */
    public void exportCsv(Integer vcpus, Long memoryMiB, boolean nPlusOne, java.util.function.Supplier<Writer> open) {
        Capacity figures = capacity(vcpus, memoryMiB, nPlusOne);
        Writer out = open.get();
        try {
            Csv.line(out, "host", "state", "cpus", "memory_mib", "guests", "active_guests", "vcpus_allocated",
                    "memory_allocated_mib", "vcpu_overcommit", "memory_overcommit", "guests_that_fit", "pool",
                    "pool_capacity_mib", "pool_allocation_mib", "pool_days_until_full", "pool_forecast");
            for (Capacity.HostCapacity host : figures.hosts()) {
                List<String> hostCells = List.of(host.name(), host.state(), String.valueOf(host.cpus()),
                        String.valueOf(host.memoryMiB()), String.valueOf(host.guests()),
                        String.valueOf(host.activeGuests()), String.valueOf(host.vcpusAllocated()),
                        String.valueOf(host.memoryAllocatedMiB()), ratioCell(host.vcpuOvercommit()),
                        ratioCell(host.memoryOvercommit()), String.valueOf(host.guestsThatFit()));
                if (host.poolForecasts().isEmpty()) {
                    Csv.line(out, concat(hostCells, null, null, null, null, null));
                }
                for (PoolForecast pool : host.poolForecasts()) {
                    Double days = pool.daysUntilFull();
                    Csv.line(out, concat(hostCells, pool.pool(), String.valueOf(pool.capacityMiB()),
                            String.valueOf(pool.allocationMiB()), days == null ? null : String.format(
                                    java.util.Locale.ROOT, "%.1f", days), pool.forecast().words()));
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(java.util.Arrays.asList(rest));
        return all.toArray(new String[0]);
    }

    private static String ratioCell(Double ratio) {
        return ratio == null ? null : String.format(java.util.Locale.ROOT, "%.3f", ratio);
    }

    private Capacity compute(Capacity.GuestSize size, Visible hosts, boolean nPlusOne) {
        NPlusOneCheck check = new NPlusOneCheck(size, properties.vcpuOvercommit(), properties.memoryOvercommit());
        List<Capacity.HostCapacity> perHost = new ArrayList<>();
        List<NPlusOneCheck.HostLoad> loads = new ArrayList<>();
        Map<String, Long> states = new TreeMap<>();
        long guests = 0, active = 0, cpus = 0, memory = 0, vcpusAllocated = 0, memoryAllocated = 0, vcpusDefined = 0,
                memoryDefined = 0, storageCapacity = 0, storageAllocation = 0, fit = 0, memoryRoom = 0;
        Map<Long, List<PoolFacts>> poolsByHost = pools.byHost();
        for (HostRow row : hostRows(hosts)) {
            List<PoolFacts> hostPools = poolsByHost.getOrDefault(row.id(), List.of());
            NPlusOneCheck.HostLoad load = row.load();
            loads.add(load);
            long hostFit = check.fits(load, row.vcpusAllocated(), row.memoryAllocatedMiB());
            perHost.add(new Capacity.HostCapacity(row.id(), row.name(), row.state().name(), row.cpus(),
                    row.memoryMiB(), row.guests(), row.activeGuests(), row.vcpusAllocated(),
                    row.memoryAllocatedMiB(), row.vcpusDefined(), row.memoryDefinedMiB(),
                    ratio(row.vcpusAllocated(), row.cpus()), ratio(row.memoryAllocatedMiB(), row.memoryMiB()),
                    hostPools, hostFit, hostPools.stream().map(pool -> forecasts.pool(row.id(), pool.name(),
                            pool.capacityMiB(), pool.allocationMiB())).toList()));
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
            memoryRoom += load.takesGuests() ? Math.max(0, (long) Math.floor(row.memoryMiB()
                    * properties.memoryOvercommit()) - row.memoryAllocatedMiB()) : 0;
        }
        Capacity.Totals totals = new Capacity.Totals(perHost.size(), guests, active, cpus, memory, vcpusAllocated,
                memoryAllocated, vcpusDefined, memoryDefined, ratio(vcpusAllocated, cpus),
                ratio(memoryAllocated, memory), storageCapacity, storageAllocation, fit);
        NPlusOne survives = hosts.everything() ? fleetNPlusOne(check, loads, size) : nPlusOne(check, loads, hosts);
        long memoryCapacity = memory - (nPlusOne && survives.largestHost() != null
                ? survives.largestHost().memoryMiB() : 0);
        Forecast memoryForecast = forecasts.fleetMemory(hosts, memoryCapacity);
        return new Capacity(totals, perHost, states, size, properties.vcpuOvercommit(),
                properties.memoryOvercommit(), nPlusOne, survives, nPlusOne ? survives.guestsThatFit() : fit,
                nPlusOne ? survives.memoryRoomMiB() : memoryRoom, memoryCapacity, memoryForecast);
    }

    private NPlusOne fleetNPlusOne(NPlusOneCheck check, List<NPlusOneCheck.HostLoad> loads, Capacity.GuestSize size) {
        LastCheck last = lastCheck;
        long now = System.nanoTime();
        if (last == null || !last.size().equals(size) || now - last.takenAt() > N_PLUS_ONE_FRESH_FOR.toNanos()) {
            last = new LastCheck(now, size, nPlusOne(check, loads, Visible.EVERYTHING));
            lastCheck = last;
        }
        return last.result();
    }

    /**
     * The N+1 check over the visible hosts: their running guests counted by host and size in one grouped query, the
     * members of anti-affinity groups one by one, and the worst host's guests read again one by one to name those
     * left out.
     */
    private NPlusOne nPlusOne(NPlusOneCheck check, List<NPlusOneCheck.HostLoad> loads, Visible hosts) {
        Map<Long, Set<String>> groupsOf = new HashMap<>();
        Map<String, Set<Long>> groupHosts = new HashMap<>();
        Map<Long, NPlusOneCheck.Guests> members = new HashMap<>();
        for (AntiAffinityGroups.RunningMember member : antiAffinity.runningMembers()) {
            groupsOf.computeIfAbsent(member.guestId(), id -> new TreeSet<>()).add(member.group());
            groupHosts.computeIfAbsent(member.group(), g -> new java.util.HashSet<>()).add(member.hostId());
            members.put(member.guestId(), new NPlusOneCheck.Guests(member.hostId(), member.guestId(),
                    member.guestName(), member.memoryMiB(), member.vcpus(), 1, groupsOf.get(member.guestId())));
        }
        Map<Long, List<NPlusOneCheck.Guests>> byHost = new HashMap<>();
        Map<List<Long>, Long> membersOfSize = new HashMap<>(); // (host, MiB, vCPUs) -> members
        for (NPlusOneCheck.Guests m : members.values()) {
            byHost.computeIfAbsent(m.hostId(), h -> new ArrayList<>()).add(m);
            membersOfSize.merge(List.of(m.hostId(), m.memoryMiB(), (long) m.vcpus()), 1L, Long::sum);
        }
        String visible = hosts.everything() ? "" : " AND host_id = ANY(:hosts)";
        jdbc.sql("SELECT host_id, memory_mib, vcpus, count(*) FROM guests WHERE " + ACTIVE + visible
                        + " GROUP BY host_id, memory_mib, vcpus")
                .param("hosts", hosts.hostIdArray())
                .query(rs -> {
                    long host = rs.getLong(1), memoryMiB = rs.getLong(2), count = rs.getLong(4);
                    int vcpus = rs.getInt(3);
                    // members are placed as themselves, counted above
                    count -= membersOfSize.getOrDefault(List.of(host, memoryMiB, (long) vcpus), 0L);
                    if (count > 0) {
                        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new NPlusOneCheck.Guests(host, null,
                                null, memoryMiB, vcpus, count, Set.of()));
                    }
                });
        Map<Long, NPlusOneCheck.Loss> losses = check.lossOfEach(loads, byHost, groupHosts);
        return NPlusOneCheck.summary(loads, losses, byHost, worst -> check.lose(worst.host(), loads,
                guestsOneByOne(worst.host().id(), groupsOf), groupHosts, 0, 0));
    }

    /** A host's running guests one by one, with their groups. */
    private List<NPlusOneCheck.Guests> guestsOneByOne(long hostId, Map<Long, Set<String>> groupsOf) {
        return jdbc.sql("SELECT id, name, memory_mib, vcpus FROM guests WHERE host_id = :host AND " + ACTIVE)
                .param("host", hostId)
                .query((rs, n) -> new NPlusOneCheck.Guests(hostId, rs.getLong(1), rs.getString(2), rs.getLong(3),
                        rs.getInt(4), 1, groupsOf.getOrDefault(rs.getLong(1), Set.of())))
                .list();
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
