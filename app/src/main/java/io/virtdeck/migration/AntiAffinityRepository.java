package io.virtdeck.migration;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Anti-affinity groups and their members, and who of them runs where. */
@Repository
class AntiAffinityRepository {

    private final JdbcClient jdbc;

    AntiAffinityRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Makes the group, or replaces its members. */
    void save(String name, List<UUID> members, String user) {
        jdbc.sql("INSERT INTO anti_affinity_groups (name, created_by) VALUES (:name, :user) ON CONFLICT DO NOTHING")
                .param("name", name).param("user", user).update();
        jdbc.sql("DELETE FROM anti_affinity_members WHERE group_name = :name").param("name", name).update();
        for (UUID member : members) {
            jdbc.sql("INSERT INTO anti_affinity_members (group_name, guest_uuid) VALUES (:name, :uuid)")
                    .param("name", name).param("uuid", member).update();
        }
    }

    boolean delete(String name) {
        return jdbc.sql("DELETE FROM anti_affinity_groups WHERE name = :name").param("name", name).update() == 1;
    }

    /** Each group's members, by group name. */
    Map<String, List<UUID>> all() {
        Map<String, List<UUID>> groups = new TreeMap<>();
        jdbc.sql("SELECT g.name, m.guest_uuid FROM anti_affinity_groups g LEFT JOIN anti_affinity_members m"
                        + " ON m.group_name = g.name ORDER BY g.name, m.guest_uuid")
                .query(rs -> {
                    List<UUID> members = groups.computeIfAbsent(rs.getString("name"), n -> new java.util.ArrayList<>());
                    UUID member = rs.getObject("guest_uuid", UUID.class);
                    if (member != null) {
                        members.add(member);
                    }
                });
        return groups;
    }

    /** A member of one of the guest's groups that runs on the host: the group's name and the member's. */
    record Conflict(String group, String guestName) {
    }

    List<Conflict> runningWith(UUID guest, long hostId) {
        return jdbc.sql("""
                        SELECT DISTINCT other.group_name, g.name
                        FROM anti_affinity_members mine
                        JOIN anti_affinity_members other
                          ON other.group_name = mine.group_name AND other.guest_uuid <> mine.guest_uuid
                        JOIN guests g ON g.uuid = other.guest_uuid AND g.host_id = :host
                                     AND g.state IN ('RUNNING', 'PAUSED')
                        WHERE mine.guest_uuid = :uuid
                        ORDER BY 1, 2""")
                .param("uuid", guest).param("host", hostId)
                .query((rs, row) -> new Conflict(rs.getString(1), rs.getString(2))).list();
    }

    /** Every running or paused member of a group, with its host and size: few rows, whatever the fleet's size. */
    List<AntiAffinityGroups.RunningMember> runningMembers() {
        return jdbc.sql("""
                        SELECT g.id, g.name, g.host_id, g.memory_mib, g.vcpus, m.group_name
                        FROM anti_affinity_members m JOIN guests g ON g.uuid = m.guest_uuid
                        WHERE g.state IN ('RUNNING', 'PAUSED')
                        ORDER BY g.id, m.group_name""")
                .query((rs, row) -> new AntiAffinityGroups.RunningMember(rs.getLong(1), rs.getString(2),
                        rs.getLong(3), rs.getLong(4), rs.getInt(5), rs.getString(6))).list();
    }
}
