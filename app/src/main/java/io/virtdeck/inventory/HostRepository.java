package io.virtdeck.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import io.virtdeck.cluster.HostAddresses;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.HostDirectory;
import io.virtdeck.hypervisor.HostFacts;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class HostRepository implements HostAddresses {

    // the credentials' description only: their material is read for a connection alone (HostCredentialStore)
    private static final String SELECT = """
            SELECT h.*, (SELECT count(*) FROM guests g WHERE g.host_id = h.id) AS guest_count,
                   c.kind AS credentials_kind, c.path AS credentials_path,
                   c.known_hosts_path AS credentials_known_hosts_path, c.known_hosts AS credentials_known_hosts,
                   c.updated_at AS credentials_updated_at, c.updated_by AS credentials_updated_by
            FROM hosts h LEFT JOIN host_credentials c ON c.host_id = h.id""";

    /** Guests that keep a host busy: any that runs, is paused, or is on its way out. */
    private static final String RUNNING_GUESTS = """
            SELECT 1 FROM guests g WHERE g.host_id = h.id AND g.state IN ('RUNNING', 'PAUSED', 'MIGRATING')""";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public HostRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public List<Host> findAll() {
        return jdbc.sql(SELECT + " ORDER BY lower(h.name)").query(this::host).list();
    }

    @Override
    public Map<Long, String> uris() {
        return findAll().stream().collect(Collectors.toMap(Host::id, Host::uri));
    }

    /** A host's id and name: what a filter's choice of host needs. */
    public record HostName(long id, String name) {
    }

    /**
     * The id and name of the first {@code limit} hosts the user may see, by name: the guest list's host filter,
     * without each host's guest count and stored capabilities (at 1,000 hosts, reading those for every page view cost
     * more than the page's guests).
     */
    public List<HostName> names(Visible visible, int limit) {
        return hostNames(visible, "", Map.of(), " ORDER BY lower(name) LIMIT " + limit);
    }

    /** The visible host of this name (its case aside), if any. */
    public Optional<HostName> nameNamed(Visible visible, String name) {
        return hostNames(visible, "lower(name) = lower(:name)", Map.of("name", name), "").stream().findFirst();
    }

    /** The visible host of this id, if any. */
    public Optional<HostName> nameOf(Visible visible, long id) {
        return hostNames(visible, "id = :id", Map.of("id", id), "").stream().findFirst();
    }

    private List<HostName> hostNames(Visible visible, String condition, Map<String, Object> params, String tail) {
        List<String> conditions = new java.util.ArrayList<>();
        Map<String, Object> all = new java.util.HashMap<>(params);
        if (!condition.isEmpty()) {
            conditions.add(condition);
        }
        if (!visible.everything()) {
            conditions.add("id = ANY(:ids)");
            all.put("ids", visible.hostIdArray());
        }
        return jdbc.sql("SELECT id, name FROM hosts" + (conditions.isEmpty() ? "" : " WHERE "
                        + String.join(" AND ", conditions)) + tail)
                .params(all).query((rs, n) -> new HostName(rs.getLong("id"), rs.getString("name"))).list();
    }

    /** The hosts the user may see (their ids from {@link Visible#hostIds()}) carrying every one of {@code tags}. */
    public List<Host> findAll(Visible visible, List<String> tags) {
        return jdbc.sql(SELECT + " WHERE (:everything OR h.id = ANY(:ids)) AND h.tags @> CAST(:tags AS text[])"
                        + " ORDER BY lower(h.name)")
                .param("everything", visible.everything())
                .param("ids", visible.hostIdArray())
                .param("tags", tags.toArray(new String[0]))
                .query(this::host).list();
    }

    /**
     * Each visible host at a glance, by id, in one query whatever the fleet's size: its guests counted by state in one
     * grouped scan (of the index on host_id that includes the state), its latest metrics sample of the last
     * {@link #GLANCE_SAMPLE_AGE_MINUTES} minutes found through the samples' primary key.
     */
    public Map<Long, HostGlance> glances(Visible visible) {
        String sql = """
                WITH counts AS (
                    SELECT host_id, count(*) FILTER (WHERE state = 'RUNNING') AS running,
                           count(*) FILTER (WHERE state = 'PAUSED') AS paused,
                           count(*) FILTER (WHERE state = 'SHUTOFF') AS shut_off,
                           count(*) FILTER (WHERE state NOT IN ('RUNNING', 'PAUSED', 'SHUTOFF')) AS other
                    FROM guests GROUP BY host_id)
                SELECT h.id, h.cpus, h.memory_mib, c.running, c.paused, c.shut_off, c.other,
                       m.cpu AS cores_busy, m.memory_mib AS memory_used_mib
                FROM hosts h
                LEFT JOIN counts c ON c.host_id = h.id
                LEFT JOIN LATERAL (
                    SELECT cpu, memory_mib FROM metrics_10s
                    WHERE object_kind = 'H' AND object_id = h.id
                      AND at > now() - make_interval(mins => :age)
                    ORDER BY at DESC LIMIT 1) m ON true
                """ + (visible.everything() ? "" : " WHERE h.id = ANY(:ids)");
        var query = jdbc.sql(sql).param("age", GLANCE_SAMPLE_AGE_MINUTES);
        if (!visible.everything()) {
            query = query.param("ids", visible.hostIdArray());
        }
        return query.query((rs, n) -> {
            Integer cpus = (Integer) rs.getObject("cpus");
            Long memoryMiB = (Long) rs.getObject("memory_mib");
            Float coresBusy = (Float) rs.getObject("cores_busy");
            Float memoryUsed = (Float) rs.getObject("memory_used_mib");
            return new HostGlance(rs.getLong("id"), percent(coresBusy, cpus == null ? null : cpus.doubleValue()),
                    percent(memoryUsed, memoryMiB == null ? null : memoryMiB.doubleValue()), rs.getLong("running"),
                    rs.getLong("paused"), rs.getLong("shut_off"), rs.getLong("other"));
        }).list().stream().collect(Collectors.toMap(HostGlance::hostId, g -> g));
    }

    /** How old a host's latest sample may be and still be shown as its load now. */
    static final int GLANCE_SAMPLE_AGE_MINUTES = 5;

    private static Integer percent(Float used, Double total) {
        if (used == null || total == null || total <= 0) {
            return null;
        }
        return (int) Math.round(Math.min(100, Math.max(0, used * 100 / total)));
    }

    public Optional<Host> findById(long id) {
        return jdbc.sql(SELECT + " WHERE h.id = :id").param("id", id).query(this::host).optional();
    }

    /** Where the host is and whether its monitoring instance reports it connected (MAINTENANCE counts). */
    public Optional<HostDirectory.KnownHost> findKnown(long id) {
        return jdbc.sql("""
                        SELECT name, uri, state IN ('CONNECTED', 'MAINTENANCE') AS connected FROM hosts WHERE id = :id""")
                .param("id", id)
                .query((rs, n) -> new HostDirectory.KnownHost(rs.getString("name"), rs.getString("uri"),
                        rs.getBoolean("connected")))
                .optional();
    }

    /** The host, or a 404 naming the id. */
    public Host require(long id) {
        return findById(id).orElseThrow(() -> VirtdeckException.notFound("There is no host with id " + id + "."));
    }

    public boolean existsByName(String name) {
        return jdbc.sql("SELECT count(*) FROM hosts WHERE lower(name) = lower(:name)").param("name", name)
                .query(Long.class).single() > 0;
    }

    public boolean existsByUri(String uri) {
        return jdbc.sql("SELECT count(*) FROM hosts WHERE uri = :uri").param("uri", uri)
                .query(Long.class).single() > 0;
    }

    /** Inserts a host in state CONNECTING; returns its id. */
    public long insert(String name, String uri) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO hosts (name, uri) VALUES (:name, :uri)")
                .param("name", name)
                .param("uri", uri)
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM hosts WHERE id = :id").param("id", id).update();
    }

    /**
     * Sets the connection state; returns the state it had before, or empty when the host is gone. A connected host in
     * maintenance with no guest running shows MAINTENANCE instead.
     */
    public Optional<HostState> updateState(long id, HostState state, String reason) {
        return jdbc.sql("""
                        UPDATE hosts h SET state = CASE WHEN :state = 'CONNECTED' AND h.maintenance
                                                         AND NOT EXISTS (""" + RUNNING_GUESTS + """
                                                         ) THEN 'MAINTENANCE' ELSE :state END,
                               state_reason = :reason,
                               state_changed_at = CASE WHEN h.state = :state THEN h.state_changed_at ELSE now() END
                        FROM (SELECT id, state FROM hosts WHERE id = :id FOR UPDATE) before
                        WHERE h.id = before.id
                        RETURNING before.state""")
                .param("id", id)
                .param("state", state.name())
                .param("reason", reason)
                .query((rs, n) -> HostState.valueOf(rs.getString(1)))
                .optional();
    }

    /** Takes a host out of service (no new guests go there) or back in; false when the host is gone. */
    public boolean setMaintenance(long id, boolean maintenance) {
        return jdbc.sql("""
                        UPDATE hosts SET maintenance = :on,
                               state = CASE WHEN NOT :on AND state = 'MAINTENANCE' THEN 'CONNECTED' ELSE state END,
                               state_changed_at = CASE WHEN NOT :on AND state = 'MAINTENANCE' THEN now()
                                                       ELSE state_changed_at END
                        WHERE id = :id""")
                .param("id", id).param("on", maintenance).update() == 1;
    }

    /** A connected host in maintenance whose guests have all stopped or left turns MAINTENANCE; true if it did. */
    public boolean settleMaintenance(long id) {
        return jdbc.sql("""
                        UPDATE hosts h SET state = 'MAINTENANCE', state_changed_at = now()
                        WHERE h.id = :id AND h.maintenance AND h.state = 'CONNECTED' AND NOT EXISTS (""" + RUNNING_GUESTS
                        + ")")
                .param("id", id).update() == 1;
    }

    public void updateFacts(long id, HostFacts facts) {
        jdbc.sql("""
                        UPDATE hosts SET hypervisor_type = :type, hostname = :hostname, cpu_model = :model,
                               cpu_arch = :arch, cpus = :cpus, cpu_sockets = :sockets, cpu_cores = :cores,
                               cpu_threads = :threads, memory_mib = :memory, numa_cells = :cells,
                               hw_virtualization = :hvm, capabilities = :caps
                        WHERE id = :id""")
                .param("id", id)
                .param("type", facts.hypervisorType())
                .param("hostname", facts.hostname())
                .param("model", facts.cpuModel())
                .param("arch", facts.cpuArch())
                .param("cpus", facts.cpus())
                .param("sockets", facts.cpuSockets())
                .param("cores", facts.cpuCores())
                .param("threads", facts.cpuThreads())
                .param("memory", facts.memoryMiB())
                .param("cells", facts.numaCells())
                .param("hvm", facts.hardwareVirtualization())
                .param("caps", json.writeValueAsString(new StoredCapabilities(facts.guestDomainTypes(),
                        facts.cpuFeatures())))
                .update();
    }

    /** The parts of the capabilities that have no column of their own. */
    private record StoredCapabilities(List<String> guestDomainTypes, List<String> cpuFeatures) {
    }

    private Host host(ResultSet rs, int row) throws SQLException {
        String capsJson = rs.getString("capabilities");
        StoredCapabilities stored = capsJson == null ? new StoredCapabilities(List.of(), List.of())
                : json.readValue(capsJson, new TypeReference<StoredCapabilities>() { });
        Host.Capabilities capabilities = new Host.Capabilities(rs.getString("hypervisor_type"),
                rs.getString("hostname"), rs.getString("cpu_model"), rs.getString("cpu_arch"),
                (Integer) rs.getObject("cpu_sockets"), (Integer) rs.getObject("cpu_cores"),
                (Integer) rs.getObject("cpu_threads"), (Integer) rs.getObject("numa_cells"),
                (Boolean) rs.getObject("hw_virtualization"), stored.guestDomainTypes(), stored.cpuFeatures());
        return new Host(rs.getLong("id"), rs.getString("name"), rs.getString("uri"),
                HostState.valueOf(rs.getString("state")), rs.getString("state_reason"),
                rs.getTimestamp("state_changed_at").toInstant(), (Integer) rs.getObject("cpus"),
                (Long) rs.getObject("memory_mib"), rs.getLong("guest_count"), rs.getBoolean("maintenance"),
                capabilities, credentials(rs), tags(rs));
    }

    static List<String> tags(ResultSet rs) throws SQLException {
        return List.of((String[]) rs.getArray("tags").getArray());
    }

    private static HostCredentialsInfo credentials(ResultSet rs) throws SQLException {
        String kind = rs.getString("credentials_kind");
        if (kind == null) {
            return null;
        }
        String path = rs.getString("credentials_path");
        String knownHosts = rs.getBoolean("credentials_known_hosts") ? HostCredentialsInfo.STORED
                : rs.getString("credentials_known_hosts_path");
        return new HostCredentialsInfo("TLS".equals(kind) ? HostCredentialsRequest.TLS : HostCredentialsRequest.SSH_KEY,
                path == null ? HostCredentialsInfo.STORED : HostCredentialsInfo.FILE, path, knownHosts,
                rs.getTimestamp("credentials_updated_at").toInstant(), rs.getString("credentials_updated_by"));
    }
}
