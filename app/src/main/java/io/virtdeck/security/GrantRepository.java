package io.virtdeck.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import io.virtdeck.core.Role;

/** The grants, groups and group members tables (V14). Unchecked: {@link GrantService} checks and audits. */
@Repository
public class GrantRepository {

    private static final String SELECT = """
            SELECT gr.id, gr.role, gr.host_id, gr.guest_id, gr.tag, gr.created_by, gr.created_at,
                   u.username, g.name AS group_name
            FROM grants gr LEFT JOIN users u ON u.id = gr.user_id LEFT JOIN user_groups g ON g.id = gr.group_id""";

    private final JdbcClient jdbc;

    public GrantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Grant> findAll() {
        return jdbc.sql(SELECT + " ORDER BY gr.id").query(this::grant).list();
    }

    public Optional<Grant> findById(long id) {
        return jdbc.sql(SELECT + " WHERE gr.id = :id").param("id", id).query(this::grant).optional();
    }

    /** Inserts the grant; empty when the same subject already holds the same role on the same object. */
    public Optional<Long> insert(Long userId, Long groupId, ObjectRef object, Role role, String createdBy) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        int rows = jdbc.sql("""
                        INSERT INTO grants (user_id, group_id, host_id, guest_id, tag, role, created_by)
                        VALUES (:user, :group, :host, :guest, :tag, :role, :by) ON CONFLICT DO NOTHING""")
                .param("user", userId)
                .param("group", groupId)
                .param("host", object instanceof ObjectRef.HostRef host ? host.id() : null)
                .param("guest", object instanceof ObjectRef.GuestRef guest ? guest.id() : null)
                .param("tag", object instanceof ObjectRef.TagRef tag ? tag.tag() : null)
                .param("role", role.name())
                .param("by", createdBy)
                .update(keys, "id");
        return rows == 0 ? Optional.empty() : Optional.of(keys.getKeyAs(Long.class));
    }

    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM grants WHERE id = :id").param("id", id).update() == 1;
    }

    public Optional<Long> userId(String username) {
        return jdbc.sql("SELECT id FROM users WHERE username = :name").param("name", username).query(Long.class)
                .optional();
    }

    public Optional<Long> groupId(String name) {
        return jdbc.sql("SELECT id FROM user_groups WHERE name = :name").param("name", name).query(Long.class)
                .optional();
    }

    /** Whether the grant's object exists; a tag always does (it may be granted before anything carries it). */
    public boolean objectExists(ObjectRef object) {
        String table = object instanceof ObjectRef.HostRef ? "hosts" : object instanceof ObjectRef.GuestRef ? "guests"
                : null;
        if (table == null) {
            return true;
        }
        long id = object instanceof ObjectRef.HostRef host ? host.id() : ((ObjectRef.GuestRef) object).id();
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE id = :id").param("id", id).query(Long.class)
                .single() > 0;
    }

    private record MemberRow(long groupId, String group, String member) {
    }

    /** Every group with its members, by name. */
    public List<UserGroup> groups() {
        List<MemberRow> rows = jdbc.sql("""
                        SELECT g.id, g.name, u.username FROM user_groups g
                        LEFT JOIN group_members m ON m.group_id = g.id LEFT JOIN users u ON u.id = m.user_id
                        ORDER BY lower(g.name), u.username""")
                .query((rs, n) -> new MemberRow(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
        Map<Long, UserGroup> groups = new LinkedHashMap<>();
        for (MemberRow row : rows) {
            UserGroup group = groups.computeIfAbsent(row.groupId(),
                    id -> new UserGroup(id, row.group(), new ArrayList<>()));
            if (row.member() != null) {
                group.members().add(row.member());
            }
        }
        return new ArrayList<>(groups.values());
    }

    public Optional<UserGroup> group(long id) {
        return groups().stream().filter(g -> g.id() == id).findFirst();
    }

    /** Creates the group; empty when the name is taken. */
    public Optional<Long> createGroup(String name) {
        return jdbc.sql("INSERT INTO user_groups (name) VALUES (:name) ON CONFLICT (name) DO NOTHING RETURNING id")
                .param("name", name).query(Long.class).optional();
    }

    public boolean deleteGroup(long id) {
        return jdbc.sql("DELETE FROM user_groups WHERE id = :id").param("id", id).update() == 1;
    }

    /** True when the user was not a member yet. */
    public boolean addMember(long groupId, long userId) {
        return jdbc.sql("INSERT INTO group_members (group_id, user_id) VALUES (:group, :user) ON CONFLICT DO NOTHING")
                .param("group", groupId).param("user", userId).update() == 1;
    }

    public boolean removeMember(long groupId, long userId) {
        return jdbc.sql("DELETE FROM group_members WHERE group_id = :group AND user_id = :user")
                .param("group", groupId).param("user", userId).update() == 1;
    }

    private Grant grant(ResultSet rs, int row) throws SQLException {
        String user = rs.getString("username");
        long host = rs.getLong("host_id");
        boolean onHost = !rs.wasNull();
        long guest = rs.getLong("guest_id");
        boolean onGuest = !rs.wasNull();
        String tag = rs.getString("tag");
        ObjectRef object = onHost ? ObjectRef.host(host) : onGuest ? ObjectRef.guest(guest)
                : tag != null ? ObjectRef.tag(tag) : ObjectRef.root();
        return new Grant(rs.getLong("id"), user != null ? "user" : "group",
                user != null ? user : rs.getString("group_name"), object.path(), Role.valueOf(rs.getString("role")),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant());
    }
}
