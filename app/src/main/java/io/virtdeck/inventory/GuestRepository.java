package io.virtdeck.inventory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.core.Page;
import io.virtdeck.core.Tags;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.core.Visible;
import io.virtdeck.hypervisor.DiskFacts;
import io.virtdeck.hypervisor.DomainFacts;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GraphicsFacts;
import io.virtdeck.hypervisor.NicFacts;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
public class GuestRepository {

    private static final String SELECT = "SELECT g.*, h.name AS host_name FROM guests g JOIN hosts h ON h.id = g.host_id";

    /** A UUID as the search box may hold one: such a search also finds the guest by its UUID. */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What may be (the start of) an IPv4 or IPv6 address: such a search also finds guests by their agents' addresses. */
    private static final Pattern ADDRESS_TEXT = Pattern.compile("[0-9a-fA-F:.]*[.:][0-9a-fA-F:.]*");

    /** Up to this many matches, a name search reads its matches first and sorts them (OFFSET 0 keeps it so). */
    private static final long SEARCH_MATCHES_FIRST_UP_TO = 10_000;

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final GuestCounts counts;

    public GuestRepository(JdbcClient jdbc, JsonMapper json, GuestCounts counts) {
        this.jdbc = jdbc;
        this.json = json;
        this.counts = counts;
    }

    public Optional<Guest> findById(long id) {
        return jdbc.sql(SELECT + " WHERE g.id = :id").param("id", id).query(this::guest).optional();
    }

    /** The guest, or a 404 naming the id. */
    public Guest require(long id) {
        return findById(id).orElseThrow(() -> VirtdeckException.notFound("There is no guest with id " + id + "."));
    }

    public Optional<Guest> findByHostAndUuid(long hostId, UUID uuid) {
        return jdbc.sql(SELECT + " WHERE g.host_id = :host AND g.uuid = :uuid")
                .param("host", hostId).param("uuid", uuid).query(this::guest).optional();
    }

    /** The guest with this UUID: where it runs first, then where it is defined, then a lost host's row. */
    public Optional<Guest> findByUuid(UUID uuid) {
        return jdbc.sql(SELECT + " WHERE g.uuid = :uuid ORDER BY g.state = 'UNKNOWN', g.state <> 'RUNNING', g.id"
                        + " LIMIT 1").param("uuid", uuid).query(this::guest).optional();
    }

    public Optional<Guest> findByHostAndName(long hostId, String name) {
        return jdbc.sql(SELECT + " WHERE g.host_id = :host AND g.name = :name")
                .param("host", hostId).param("name", name).query(this::guest).optional();
    }

    /**
     * One page of the guests the user may see, filtered and sorted in SQL so the list stays fast at fleet size: the
     * visibility is two small id arrays and a tag array from the user's grants, matched through the host, primary key
     * and tags indexes; each sort is one index's order (V17); "name contains" goes through the trigram index, the tag
     * filter through the tags index (V36). The page starts
     * {@code after} a cursor (keyset: from the cursor's row on in the sort's index, however deep) or, without one, at
     * {@code page}: pages in the far half of a long list are read from its end, in the reverse order, so the last
     * page costs what the first does.
     */
    public GuestPage find(GuestFilter filter, GuestSort sort, GuestCursor after, int page, int size, Visible visible) {
        Map<String, Object> params = new HashMap<>();
        List<String> conditions = conditions(filter, visible, params);
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        GuestCounts.Total total = counts.total(filter, visible, () ->
                jdbc.sql("SELECT count(*) FROM guests g" + where).params(params).query(Long.class).single());

        long offset = (long) page * size;
        if (after == null && offset >= total.count()) { // past the end: nothing to read (reading would skip every row)
            return new GuestPage(new Page<>(List.of(), total.count(), page, size), total.exact(), null);
        }
        int limit = size;
        boolean fromTheEnd = false;
        // A search with few matches: its matches first (trigram index), then sorted. Left to itself the planner may
        // walk the sort's index and test every row, a long way when the matches sort late (q=db-1 by name: names
        // that contain a text sort together). A tag filter is left to the planner: its statistics count each tag,
        // so it reads a rare tag's few rows first and walks the sort's index for a common one, which finds a page
        // of env:prod (one guest in seven) after some 200 rows instead of reading and sorting all 7,000.
        boolean matchesFirst = filter.nameContains() != null && !filter.nameContains().isBlank()
                && total.count() <= SEARCH_MATCHES_FIRST_UP_TO;
        String from = matchesFirst ? "(SELECT * FROM guests g" + where + " OFFSET 0) g" : "guests g";
        List<String> pageConditions = new ArrayList<>(matchesFirst ? List.of() : conditions);
        if (after != null) {
            offset = 0;
            pageConditions.add(keysetCondition(after, params));
        } else if (offset > total.count() - offset - size && offset < total.count()) {
            fromTheEnd = true;
            long fromEnd = total.count() - offset - size;
            limit = (int) Math.min(size, size + fromEnd);
            offset = Math.max(0, fromEnd);
        }
        params.put("limit", limit + 1); // one more than shown: whether a next page follows
        params.put("offset", offset);
        String pageWhere = pageConditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", pageConditions);
        GuestSort order = fromTheEnd ? sort.reversed() : sort;
        List<Row> rows = new ArrayList<>(jdbc.sql("""
                        SELECT g.id, g.name, g.uuid, g.host_id, h.name AS host_name, g.state, g.managed_save,
                               g.vcpus, g.memory_mib, g.template, g.graphics, g.serial_console, g.tags, g.os_type,
                               lower(g.name) AS sort_name,
                               (SELECT a.address FROM guest_addresses a WHERE a.guest_id = g.id
                                ORDER BY a.position LIMIT 1) AS first_address, """
                        + sort.column().sql() + " AS sort_key FROM " + from + " JOIN hosts h ON h.id = g.host_id"
                        + pageWhere + " ORDER BY " + order.orderBy() + " LIMIT :limit OFFSET :offset")
                .params(params)
                .query((rs, n) -> new Row(new Guest.Summary(rs.getLong("id"), rs.getString("name"),
                        rs.getObject("uuid", UUID.class), rs.getLong("host_id"), rs.getString("host_name"),
                        DomainRunState.valueOf(rs.getString("state")), rs.getBoolean("managed_save"),
                        rs.getInt("vcpus"), rs.getLong("memory_mib"), rs.getBoolean("template"),
                        rs.getString("first_address"),
                        Guest.console(graphics(rs), rs.getBoolean("serial_console")), HostRepository.tags(rs),
                        GuestKind.of(rs.getString("os_type"))),
                        rs.getObject("sort_key"), rs.getString("sort_name")))
                .list());
        boolean more = fromTheEnd ? offset > 0 : rows.size() > limit;
        rows = rows.subList(0, Math.min(limit, rows.size()));
        if (fromTheEnd) {
            Collections.reverse(rows);
        }
        String next = null;
        if (more && !rows.isEmpty()) {
            Row last = rows.get(rows.size() - 1);
            next = new GuestCursor(sort, last.sortKey(), last.sortName(), last.guest().id()).encode();
        }
        List<Guest.Summary> items = rows.stream().map(Row::guest).toList();
        return new GuestPage(new Page<>(items, total.count(), after == null ? page : 0, size), total.exact(), next);
    }

    /** The list's filters as SQL conditions on guests g, their values put in {@code params}. */
    private static List<String> conditions(GuestFilter filter, Visible visible, Map<String, Object> params) {
        List<String> conditions = new ArrayList<>();
        if (!visible.everything()) {
            conditions.add(visible.guestCondition("g", "visible", params));
        }
        if (filter.hostId() != null) {
            conditions.add("g.host_id = :host");
            params.put("host", filter.hostId());
        }
        if (filter.state() != null) {
            conditions.add("g.state = :state");
            params.put("state", filter.state().name());
        }
        if (filter.kind() != null) { // containers are few: their partial index (V44) finds them
            conditions.add(filter.kind() == GuestKind.CONTAINER ? "g.os_type = :containerOs"
                    : "g.os_type IS DISTINCT FROM :containerOs");
            params.put("containerOs", GuestKind.CONTAINER_OS_TYPE);
        }
        if (!filter.tags().isEmpty()) { // all of them: the tags index answers "contains"
            conditions.add("g.tags @> CAST(:tags AS text[])");
            params.put("tags", filter.tags().toArray(new String[0]));
        }
        if (filter.nameContains() != null && !filter.nameContains().isBlank()) {
            String text = filter.nameContains().trim();
            // backslash is LIKE's default escape: the user's % and _ are matched as themselves
            List<String> matches = new ArrayList<>(List.of("lower(g.name) LIKE :q"));
            params.put("q", "%" + escapeLike(text.toLowerCase(Locale.ROOT)) + "%");
            if (UUID_TEXT.matcher(text).matches()) {
                matches.add("g.uuid = :uuid");
                params.put("uuid", UUID.fromString(text));
            } else if (ADDRESS_TEXT.matcher(text).matches()) {
                // the address index answers "begins with" (192.168.150.23, 192.168.150.)
                matches.add("g.id IN (SELECT a.guest_id FROM guest_addresses a WHERE a.address LIKE :addressStart)");
                params.put("addressStart", escapeLike(text.toLowerCase(Locale.ROOT)) + "%");
            }
            String tag = text.toLowerCase(Locale.ROOT);
            if (Tags.valid(tag)) { // the same box finds guests by one of their tags, whole (the tags index)
                matches.add("g.tags @> CAST(:qTag AS text[])");
                params.put("qTag", new String[] {tag});
            }
            conditions.add(matches.size() == 1 ? matches.get(0) : "(" + String.join(" OR ", matches) + ")");
        }
        return conditions;
    }

    /** One row of the list with the values of its sort keys, for the next page's cursor. */
    private record Row(Guest.Summary guest, Object sortKey, String sortName) {
    }

    /**
     * The rows after the cursor's, in the sort's order: one row comparison over the sort's keys, which the sort's index
     * answers directly. Sorting by host walks the hosts by name, so their part of it is bounded separately.
     */
    private static String keysetCondition(GuestCursor after, Map<String, Object> params) {
        List<Object> values = after.values();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            params.put("after" + i, values.get(i));
            names.add(":after" + i);
        }
        String comparison = after.sort().descending() ? " < " : " > ";
        String condition = "(" + String.join(", ", after.sort().keys()) + ")" + comparison
                + "(" + String.join(", ", names) + ")";
        if (after.sort().column() == GuestSort.Column.HOST) {
            condition += " AND lower(h.name)" + comparison.trim() + "= :after0";
        }
        return condition;
    }

    /**
     * Inserts or updates the guest for a domain. Returns the guest's id when anything changed (so listeners are told
     * only of real changes), empty when the row already said the same. A guest being migrated is left alone, on
     * either host: its migration settles its row.
     */
    public Optional<Long> upsert(long hostId, DomainFacts domain, Instant observedAt) {
        return upsertAll(hostId, List.of(domain), observedAt).stream().findFirst();
    }

    /**
     * {@link #upsert} for all of a host's domains in one statement (the rows go as arrays, one per column): a
     * reconcile of a host costs one round trip to PostgreSQL, not one per guest. Returns the ids of the guests that
     * changed. {@code observedAt} is when the reading began: a row written from a later reading, or a domain seen
     * undefined later, is left as it is (a reconcile's listing never undoes what an event told since).
     */
    public List<Long> upsertAll(long hostId, List<DomainFacts> domains, Instant observedAt) {
        if (domains.isEmpty()) {
            return List.of();
        }
        int n = domains.size();
        UUID[] uuids = new UUID[n];
        String[] names = new String[n];
        String[] states = new String[n];
        Integer[] vcpus = new Integer[n];
        Long[] memory = new Long[n];
        Boolean[] autostart = new Boolean[n];
        Boolean[] persistent = new Boolean[n];
        Boolean[] managedSave = new Boolean[n];
        String[] os = new String[n];
        String[] disks = new String[n];
        String[] nics = new String[n];
        String[] graphics = new String[n];
        Boolean[] serialConsole = new Boolean[n];
        for (int i = 0; i < n; i++) {
            DomainFacts domain = domains.get(i);
            uuids[i] = domain.uuid();
            names[i] = domain.name();
            states[i] = domain.state().name();
            vcpus[i] = domain.vcpus();
            memory[i] = domain.memoryMiB();
            autostart[i] = domain.autostart();
            persistent[i] = domain.persistent();
            managedSave[i] = domain.managedSave();
            os[i] = domain.osType();
            disks[i] = json.writeValueAsString(domain.disks());
            nics[i] = json.writeValueAsString(domain.nics());
            graphics[i] = json.writeValueAsString(domain.graphics());
            serialConsole[i] = domain.serialConsole();
        }
        return jdbc.sql("""
                        INSERT INTO guests (host_id, uuid, name, state, vcpus, memory_mib, autostart, persistent,
                                            managed_save, os_type, disks, nics, graphics, serial_console, observed_at)
                        SELECT :host, d.uuid, d.name, d.state, d.vcpus, d.memory_mib, d.autostart, d.persistent,
                               d.managed_save, d.os_type, d.disks, d.nics, d.graphics, d.serial_console, :observed
                        FROM unnest(CAST(:uuids AS uuid[]), CAST(:names AS text[]), CAST(:states AS text[]),
                                    CAST(:vcpus AS integer[]), CAST(:memory AS bigint[]),
                                    CAST(:autostart AS boolean[]), CAST(:persistent AS boolean[]),
                                    CAST(:managedSave AS boolean[]), CAST(:os AS text[]), CAST(:disks AS text[]),
                                    CAST(:nics AS text[]), CAST(:graphics AS text[]),
                                    CAST(:serialConsole AS boolean[]))
                             AS d(uuid, name, state, vcpus, memory_mib, autostart, persistent, managed_save,
                                  os_type, disks, nics, graphics, serial_console)
                        WHERE NOT EXISTS (SELECT 1 FROM guests m
                                          WHERE m.uuid = d.uuid AND m.moving_to_host_id IS NOT NULL)
                          AND NOT EXISTS (SELECT 1 FROM guest_removals r
                                          WHERE r.host_id = :host AND r.uuid = d.uuid AND r.observed_at > :observed)
                        ON CONFLICT (host_id, uuid) DO UPDATE SET
                            name = excluded.name, state = excluded.state, vcpus = excluded.vcpus,
                            memory_mib = excluded.memory_mib, autostart = excluded.autostart,
                            persistent = excluded.persistent, managed_save = excluded.managed_save,
                            os_type = excluded.os_type, disks = excluded.disks,
                            nics = excluded.nics, graphics = excluded.graphics,
                            serial_console = excluded.serial_console, observed_at = excluded.observed_at,
                            updated_at = now()
                        WHERE guests.observed_at <= excluded.observed_at AND (guests.name, guests.state, guests.vcpus, guests.memory_mib, guests.autostart,
                               guests.persistent, guests.managed_save, guests.os_type, guests.disks, guests.nics,
                               guests.graphics, guests.serial_console)
                              IS DISTINCT FROM
                              (excluded.name, excluded.state, excluded.vcpus, excluded.memory_mib, excluded.autostart,
                               excluded.persistent, excluded.managed_save, excluded.os_type, excluded.disks,
                               excluded.nics, excluded.graphics, excluded.serial_console)
                        RETURNING id""")
                .param("host", hostId)
                .param("observed", Timestamp.from(observedAt))
                .param("uuids", uuids)
                .param("names", names)
                .param("states", states)
                .param("vcpus", vcpus)
                .param("memory", memory)
                .param("autostart", autostart)
                .param("persistent", persistent)
                .param("managedSave", managedSave)
                .param("os", os)
                .param("disks", disks)
                .param("nics", nics)
                .param("graphics", graphics)
                .param("serialConsole", serialConsole)
                .query(Long.class)
                .list();
    }

    /**
     * Removes the host's guests whose UUIDs a listing begun at {@code observedAt} did not hold; rows written from a
     * later reading (a domain defined since) stay. Returns the ids removed.
     */
    public List<Long> deleteMissing(long hostId, Collection<UUID> present, Instant observedAt) {
        return jdbc.sql("""
                        DELETE FROM guests WHERE host_id = :host AND NOT (uuid = ANY(:present))
                        AND moving_to_host_id IS NULL AND observed_at < :observed RETURNING id""")
                .param("host", hostId)
                .param("present", present.toArray(new UUID[0]))
                .param("observed", Timestamp.from(observedAt))
                .query(Long.class)
                .list();
    }

    /** Removes the guest of a domain seen undefined at {@code observedAt}, and remembers when (see upsertAll). */
    public Optional<Long> delete(long hostId, UUID uuid, Instant observedAt) {
        jdbc.sql("""
                        INSERT INTO guest_removals (host_id, uuid, observed_at) VALUES (:host, :uuid, :observed)
                        ON CONFLICT (host_id, uuid) DO UPDATE SET
                            observed_at = greatest(guest_removals.observed_at, excluded.observed_at)""")
                .param("host", hostId).param("uuid", uuid).param("observed", Timestamp.from(observedAt)).update();
        return jdbc.sql("""
                        DELETE FROM guests WHERE host_id = :host AND uuid = :uuid AND moving_to_host_id IS NULL
                        AND observed_at <= :observed RETURNING id""")
                .param("host", hostId).param("uuid", uuid).param("observed", Timestamp.from(observedAt))
                .query(Long.class).optional();
    }

    /**
     * Now, by the database's clock: the one clock every instance shares, so that readings taken on different machines
     * (an event here, an action's refresh on another instance) compare truly.
     */
    public Instant readingTime() {
        return jdbc.sql("SELECT clock_timestamp()").query(Timestamp.class).single().toInstant();
    }

    /** Forgets removals older than any reconcile that could still be writing. */
    public void forgetRemovalsBefore(Instant before) {
        jdbc.sql("DELETE FROM guest_removals WHERE observed_at < :before").param("before", Timestamp.from(before))
                .update();
    }

    /** A host was lost: what its guests do is unknown until it is back. Returns the ids changed. */
    public List<Long> markUnknown(long hostId) {
        return jdbc.sql("""
                        UPDATE guests SET state = 'UNKNOWN', updated_at = now()
                        WHERE host_id = :host AND state <> 'UNKNOWN' AND moving_to_host_id IS NULL RETURNING id""")
                .param("host", hostId).query(Long.class).list();
    }

    /**
     * Every guest the list shows for this filter to someone who sees {@code visible}, in the list's order by name, at
     * most {@code limit}: what a bulk action on "all matching this filter" acts on.
     */
    public List<Guest> findMatching(GuestFilter filter, Visible visible, int limit) {
        Map<String, Object> params = new HashMap<>();
        List<String> conditions = conditions(filter, visible, params);
        params.put("limit", limit);
        return jdbc.sql(SELECT + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                        + " ORDER BY lower(g.name), g.id LIMIT :limit")
                .params(params).query(this::guest).list();
    }

    /** How many guests {@link #findMatching} finds, counted exactly. */
    public long countMatching(GuestFilter filter, Visible visible) {
        Map<String, Object> params = new HashMap<>();
        List<String> conditions = conditions(filter, visible, params);
        return jdbc.sql("SELECT count(*) FROM guests g" + (conditions.isEmpty() ? ""
                : " WHERE " + String.join(" AND ", conditions))).params(params).query(Long.class).single();
    }

    /** The guests with these ids that exist, by name. */
    public List<Guest> findByIds(Collection<Long> ids) {
        return jdbc.sql(SELECT + " WHERE g.id = ANY(:ids) ORDER BY lower(g.name), g.id")
                .param("ids", ids.toArray(new Long[0])).query(this::guest).list();
    }

    /** Every guest of a host: whose disks are on which volume. */
    public List<Guest> findAllOn(long hostId) {
        return jdbc.sql(SELECT + " WHERE g.host_id = :host ORDER BY lower(g.name)").param("host", hostId)
                .query(this::guest).list();
    }

    /** Guest ids of a host by domain UUID: how metrics samples find their rows. */
    public Map<UUID, Long> idsByUuidOn(long hostId) {
        Map<UUID, Long> ids = new HashMap<>();
        jdbc.sql("SELECT uuid, id FROM guests WHERE host_id = :host").param("host", hostId)
                .query(rs -> {
                    ids.put(rs.getObject(1, UUID.class), rs.getLong(2));
                });
        return ids;
    }

    /** The guests a host runs (or holds paused): what maintenance moves away. */
    public List<Guest> findRunningOn(long hostId) {
        return jdbc.sql(SELECT + " WHERE g.host_id = :host AND g.state IN ('RUNNING', 'PAUSED') ORDER BY lower(g.name)")
                .param("host", hostId).query(this::guest).list();
    }

    /** The operator's note on a guest: Virtdeck's own, libvirt does not hold it. */
    public void setDescription(long guestId, String description) {
        jdbc.sql("UPDATE guests SET description = :description WHERE id = :id")
                .param("id", guestId).param("description", description).update();
    }

    /** Marks or unmarks a guest as a template (Virtdeck's own mark, libvirt does not hold it). */
    public void setTemplate(long guestId, boolean template) {
        jdbc.sql("UPDATE guests SET template = :template WHERE id = :id")
                .param("template", template).param("id", guestId).update();
    }

    /**
     * A migration starts: the row shows MIGRATING and stays as it is until {@link #finishMove} or
     * {@link #abandonMove}. False when the guest is gone or already moving.
     */
    public boolean beginMove(long guestId, long targetHostId) {
        return jdbc.sql("""
                        UPDATE guests SET moving_to_host_id = :target, state = 'MIGRATING', updated_at = now()
                        WHERE id = :id AND moving_to_host_id IS NULL""")
                .param("id", guestId).param("target", targetHostId).update() == 1;
    }

    /** The guest arrived: its row (same id) now belongs to the target host; a stray row for it there goes. */
    public void finishMove(long guestId, long targetHostId) {
        deleteStaleTwin(guestId, targetHostId);
        jdbc.sql("""
                        UPDATE guests SET host_id = :target, moving_to_host_id = NULL, updated_at = now()
                        WHERE id = :id""")
                .param("id", guestId).param("target", targetHostId).update();
    }

    /** The migration did not happen: the row is back on its source and the inventory's again, to be refreshed. */
    public void abandonMove(long guestId, long sourceHostId) {
        jdbc.sql("""
                        UPDATE guests SET moving_to_host_id = NULL, host_id = :source, updated_at = now()
                        WHERE id = :id""")
                .param("id", guestId).param("source", sourceHostId).update();
    }

    /** A guest of this domain that a migration holds, and the host it is moving to. */
    public record Moving(long guestId, long targetHostId) {
    }

    public Optional<Moving> findMoving(UUID uuid) {
        return jdbc.sql("SELECT id, moving_to_host_id FROM guests WHERE moving_to_host_id IS NOT NULL AND uuid = :uuid")
                .param("uuid", uuid).query((rs, n) -> new Moving(rs.getLong(1), rs.getLong(2))).optional();
    }

    /**
     * libvirt says the guest runs on the target now: the row shows it there at once, still held by its migration
     * (so neither host's events touch it) until the migration is settled by {@link #finishMove}.
     */
    public boolean arrive(long guestId, long targetHostId, DomainRunState state) {
        deleteStaleTwin(guestId, targetHostId);
        return jdbc.sql("""
                        UPDATE guests SET host_id = :target, state = :state, updated_at = now()
                        WHERE id = :id AND moving_to_host_id = :target AND host_id <> :target""")
                .param("id", guestId).param("target", targetHostId).param("state", state.name()).update() == 1;
    }

    /**
     * A row for the same domain on the target, left from before (it was there once, and the inventory has not yet
     * seen it leave): the moving row is the guest, so the old one goes.
     */
    private void deleteStaleTwin(long guestId, long targetHostId) {
        jdbc.sql("""
                        DELETE FROM guests WHERE host_id = :target AND id <> :id
                        AND uuid = (SELECT uuid FROM guests WHERE id = :id)""")
                .param("id", guestId).param("target", targetHostId).update();
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private Guest guest(ResultSet rs, int row) throws SQLException {
        return new Guest(rs.getLong("id"), rs.getString("name"), rs.getObject("uuid", UUID.class),
                rs.getLong("host_id"), rs.getString("host_name"), DomainRunState.valueOf(rs.getString("state")),
                rs.getInt("vcpus"), rs.getLong("memory_mib"), rs.getBoolean("autostart"), rs.getBoolean("persistent"),
                rs.getBoolean("managed_save"), rs.getString("os_type"),
                json.readValue(rs.getString("disks"), new TypeReference<List<DiskFacts>>() { }),
                json.readValue(rs.getString("nics"), new TypeReference<List<NicFacts>>() { }),
                graphics(rs), rs.getString("description"), rs.getTimestamp("updated_at").toInstant(),
                rs.getBoolean("template"), rs.getBoolean("serial_console"), HostRepository.tags(rs));
    }

    private List<GraphicsFacts> graphics(ResultSet rs) throws SQLException {
        return json.readValue(rs.getString("graphics"), new TypeReference<List<GraphicsFacts>>() { });
    }
}
