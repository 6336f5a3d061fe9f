package io.virtdeck.tag;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.core.Tags;
import io.virtdeck.core.Visible;

/**
 * The tags columns of guests and hosts (V36), each kept sorted (byte order, as {@link Tags} sorts) and without repeats.
 * Each change is one UPDATE, so two changes at once never lose each other's tags. Unchecked: {@link TagService}
 * checks and audits.
 */
@Repository
class TagRepository {

    /** The tables that carry tags; never user input. */
    enum Tagged {
        GUEST("guests"), HOST("hosts");

        private final String table;

        Tagged(String table) {
            this.table = table;
        }
    }

    private final JdbcClient jdbc;

    TagRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The object's name and tags; empty when it does not exist. */
    Optional<Named> find(Tagged kind, long id) {
        return jdbc.sql("SELECT name, tags FROM " + kind.table + " WHERE id = :id").param("id", id)
                .query((rs, n) -> new Named(rs.getString("name"), tags(rs)))
                .optional();
    }

    record Named(String name, List<String> tags) {
    }

    /** Replaces the object's tags with {@code tags} (checked and sorted by the caller). */
    List<String> set(Tagged kind, long id, List<String> tags) {
        return update(kind, id, "CAST(:tags AS text[])", tags);
    }

    /** Adds the tags; empty (and nothing changed) when that would make more than {@link Tags#MAX_PER_OBJECT}. */
    Optional<List<String>> add(Tagged kind, long id, List<String> tags) {
        return jdbc.sql("UPDATE " + kind.table + """
                         SET tags = ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(tags || CAST(:tags AS text[])) t
                                          ORDER BY 1)
                        WHERE id = :id
                          AND (SELECT count(DISTINCT t) FROM unnest(tags || CAST(:tags AS text[])) t) <= :max
                        RETURNING tags""")
                .param("id", id).param("tags", tags.toArray(new String[0])).param("max", Tags.MAX_PER_OBJECT)
                .query((rs, n) -> tags(rs)).optional();
    }

    List<String> remove(Tagged kind, long id, List<String> tags) {
        return update(kind, id, """
                ARRAY(SELECT t FROM unnest(tags) t WHERE NOT t = ANY(CAST(:tags AS text[])) ORDER BY t COLLATE "C")""",
                tags);
    }

    private List<String> update(Tagged kind, long id, String newTags, List<String> tags) {
        return jdbc.sql("UPDATE " + kind.table + " SET tags = " + newTags + " WHERE id = :id RETURNING tags")
                .param("id", id).param("tags", tags.toArray(new String[0]))
                .query((rs, n) -> tags(rs)).single();
    }

    private static List<String> tags(ResultSet rs) throws SQLException {
        return List.of((String[]) rs.getArray("tags").getArray());
    }

    /**
     * The tags carried by the guests and hosts the user may see, with how many of each carry them, by tag. Only rows
     * that carry tags are read; {@code hosts} are the hosts the user may read (nothing for help desk).
     */
    List<TagUse> inUse(Visible guests, Visible hosts) {
        Map<String, Object> params = new HashMap<>();
        String guestRows = guests.everything() ? "TRUE" : guests.nothing() ? "FALSE"
                : guests.guestCondition("g", "visible", params);
        String hostRows = hosts.everything() ? "TRUE" : hosts.nothing() ? "FALSE" : "h.id = ANY(:hostIds)";
        params.put("hostIds", hosts.hostIdArray());
        String sql = "SELECT tag, sum(on_guest) AS guests, sum(on_host) AS hosts FROM ("
                + " SELECT t AS tag, 1 AS on_guest, 0 AS on_host FROM guests g, unnest(g.tags) t"
                + " WHERE g.tags <> '{}' AND " + guestRows
                + " UNION ALL SELECT t, 0, 1 FROM hosts h, unnest(h.tags) t WHERE h.tags <> '{}' AND " + hostRows
                + ") u GROUP BY tag ORDER BY tag COLLATE \"C\"";
        return jdbc.sql(sql)
                .params(params)
                .query((rs, n) -> new TagUse(rs.getString("tag"), rs.getLong("guests"), rs.getLong("hosts")))
                .list();
    }
}
