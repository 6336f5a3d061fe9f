package io.virtdeck.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GraphicsFacts;
import io.virtdeck.hypervisor.NicFacts;
import io.virtdeck.web.Page;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class GuestRepository {

    private static final String SELECT = "SELECT g.*, h.name AS host_name FROM guests g JOIN hosts h ON h.id = g.host_id";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public GuestRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<Guest> findById(long id) {
        return jdbc.sql(SELECT + " WHERE g.id = :id").param("id", id).query(this::guest).optional();
    }

    public Optional<Guest> findByHostAndUuid(long hostId, UUID uuid) {
        return jdbc.sql(SELECT + " WHERE g.host_id = :host AND g.uuid = :uuid")
                .param("host", hostId).param("uuid", uuid).query(this::guest).optional();
    }

    /** One page of guests, filtered and sorted in SQL so the list stays fast at fleet size. */
    public Page<Guest.Summary> find(GuestFilter filter, GuestSort sort, int page, int size) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        if (filter.hostId() != null) {
            conditions.add("g.host_id = :host");
            params.put("host", filter.hostId());
        }
        if (filter.state() != null) {
            conditions.add("g.state = :state");
            params.put("state", filter.state().name());
        }
        if (filter.nameContains() != null && !filter.nameContains().isBlank()) {
            conditions.add("(lower(g.name) LIKE :q ESCAPE '\\' OR g.uuid::text = lower(:exact))");
            params.put("q", "%" + escapeLike(filter.nameContains().trim().toLowerCase()) + "%");
            params.put("exact", filter.nameContains().trim());
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        long total = jdbc.sql("SELECT count(*) FROM guests g" + where).params(params).query(Long.class).single();
        params.put("limit", size);
        params.put("offset", (long) page * size);
        List<Guest.Summary> items = jdbc.sql("""
                        SELECT g.id, g.name, g.uuid, g.host_id, h.name AS host_name, g.state, g.vcpus, g.memory_mib
                        FROM guests g JOIN hosts h ON h.id = g.host_id""" + where
                        + " ORDER BY " + sort.orderBy() + " LIMIT :limit OFFSET :offset")
                .params(params)
                .query((rs, n) -> new Guest.Summary(rs.getLong("id"), rs.getString("name"),
                        rs.getObject("uuid", UUID.class), rs.getLong("host_id"), rs.getString("host_name"),
                        DomainRunState.valueOf(rs.getString("state")), rs.getInt("vcpus"), rs.getLong("memory_mib")))
                .list();
        return new Page<>(items, total, page, size);
    }

    /**
     * Inserts or updates the guest for a domain. Returns the guest's id when anything changed (so listeners are told
     * only of real changes), empty when the row already said the same.
     */
    public Optional<Long> upsert(long hostId, DomainFacts domain) {
        return jdbc.sql("""
                        INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib, autostart, persistent,
                                            os_type, disks, nics, graphics)
                        VALUES (:host, :uuid, :name, :state, :vcpus, :memory, :autostart, :persistent,
                                :os, :disks, :nics, :graphics)
                        ON CONFLICT (host_id, uuid) DO UPDATE SET
                            name = excluded.name, state = excluded.state, vcpus = excluded.vcpus,
                            memory_mib = excluded.memory_mib, autostart = excluded.autostart,
                            persistent = excluded.persistent, os_type = excluded.os_type, disks = excluded.disks,
                            nics = excluded.nics, graphics = excluded.graphics, updated_at = now()
                        WHERE (guests.name, guests.state, guests.vcpus, guests.memory_mib, guests.autostart,
                               guests.persistent, guests.os_type, guests.disks, guests.nics, guests.graphics)
                              IS DISTINCT FROM
                              (excluded.name, excluded.state, excluded.vcpus, excluded.memory_mib, excluded.autostart,
                               excluded.persistent, excluded.os_type, excluded.disks, excluded.nics, excluded.graphics)
                        RETURNING id""")
                .param("host", hostId)
                .param("uuid", domain.uuid())
                .param("name", domain.name())
                .param("state", domain.state().name())
                .param("vcpus", domain.vcpus())
                .param("memory", domain.memoryMiB())
                .param("autostart", domain.autostart())
                .param("persistent", domain.persistent())
                .param("os", domain.osType())
                .param("disks", json.writeValueAsString(domain.disks()))
                .param("nics", json.writeValueAsString(domain.nics()))
                .param("graphics", json.writeValueAsString(domain.graphics()))
                .query(Long.class)
                .optional();
    }

    /** Removes the host's guests whose UUIDs libvirt no longer lists; returns the ids removed. */
    public List<Long> deleteMissing(long hostId, Collection<UUID> present) {
        return jdbc.sql("DELETE FROM guests WHERE host_id = :host AND NOT (uuid = ANY(:present)) RETURNING id")
                .param("host", hostId)
                .param("present", present.toArray(new UUID[0]))
                .query(Long.class)
                .list();
    }

    public Optional<Long> delete(long hostId, UUID uuid) {
        return jdbc.sql("DELETE FROM guests WHERE host_id = :host AND uuid = :uuid RETURNING id")
                .param("host", hostId).param("uuid", uuid).query(Long.class).optional();
    }

    /** A host was lost: what its guests do is unknown until it is back. Returns the ids changed. */
    public List<Long> markUnknown(long hostId) {
        return jdbc.sql("""
                        UPDATE guests SET state = 'UNKNOWN', updated_at = now()
                        WHERE host_id = :host AND state <> 'UNKNOWN' RETURNING id""")
                .param("host", hostId).query(Long.class).list();
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private Guest guest(ResultSet rs, int row) throws SQLException {
        return new Guest(rs.getLong("id"), rs.getString("name"), rs.getObject("uuid", UUID.class),
                rs.getLong("host_id"), rs.getString("host_name"), DomainRunState.valueOf(rs.getString("state")),
                rs.getInt("vcpus"), rs.getLong("memory_mib"), rs.getBoolean("autostart"), rs.getBoolean("persistent"),
                rs.getString("os_type"),
                json.readValue(rs.getString("disks"), new TypeReference<List<DiskFacts>>() { }),
                json.readValue(rs.getString("nics"), new TypeReference<List<NicFacts>>() { }),
                json.readValue(rs.getString("graphics"), new TypeReference<List<GraphicsFacts>>() { }),
                rs.getString("description"), rs.getTimestamp("updated_at").toInstant());
    }
}
