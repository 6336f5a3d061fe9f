package io.virtdeck.ha;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** HA guests with their kept definitions, and the restarts of those whose host was lost. */
@Repository
class HaRepository {

    /** An HA guest: its priority (higher first), its definition, and where it last ran while its host answered. */
    record HaGuest(UUID uuid, int priority, String definition, Instant definitionReadAt, String enabledBy,
                   Long lastHostId, boolean lastRunning) {
    }

    private final JdbcClient jdbc;

    HaRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void enable(UUID uuid, int priority, String definition, String user) {
        jdbc.sql("""
                        INSERT INTO ha_guests (guest_uuid, priority, definition, definition_read_at, enabled_by)
                        VALUES (:uuid, :priority, :definition, now(), :user)
                        ON CONFLICT (guest_uuid) DO UPDATE SET priority = :priority, definition = :definition,
                            definition_read_at = now()""")
                .param("uuid", uuid).param("priority", priority).param("definition", definition).param("user", user)
                .update();
    }

    void disable(UUID uuid) {
        jdbc.sql("DELETE FROM ha_guests WHERE guest_uuid = :uuid").param("uuid", uuid).update();
    }

    Optional<HaGuest> find(UUID uuid) {
        return jdbc.sql("SELECT * FROM ha_guests WHERE guest_uuid = :uuid").param("uuid", uuid)
                .query(HaRepository::haGuest).optional();
    }

    List<HaGuest> all() {
        return jdbc.sql("SELECT * FROM ha_guests ORDER BY priority DESC, guest_uuid").query(HaRepository::haGuest)
                .list();
    }

    void keepDefinition(UUID uuid, String definition) {
        jdbc.sql("UPDATE ha_guests SET definition = :definition, definition_read_at = now() WHERE guest_uuid = :uuid")
                .param("uuid", uuid).param("definition", definition).update();
    }

    /** Notes where each HA guest runs now, from the rows of hosts that answer (a lost host's guests show UNKNOWN). */
    void noteWhereTheyRun() {
        jdbc.sql("""
                UPDATE ha_guests h SET last_host_id = g.host_id, last_running = g.state IN ('RUNNING', 'PAUSED'),
                                       last_seen_at = now()
                FROM guests g
                WHERE g.uuid = h.guest_uuid AND g.state <> 'UNKNOWN'""").update();
    }

    /** The HA guests that ran on the host when it was last seen, highest priority first. */
    List<HaGuest> ranOn(long hostId) {
        return jdbc.sql("SELECT * FROM ha_guests WHERE last_host_id = :host AND last_running"
                        + " ORDER BY priority DESC, guest_uuid")
                .param("host", hostId).query(HaRepository::haGuest).list();
    }

    /** A restart under way for the guest; empty when one is already (the database allows one per guest). */
    Optional<Long> declare(UUID uuid, String guestName, long fromHostId, String fromHost, Instant lostSince) {
        return jdbc.sql("""
                        INSERT INTO ha_restarts (guest_uuid, guest_name, from_host_id, from_host, state, lost_since)
                        VALUES (:uuid, :name, :host, :hostName, 'WAITING', :lostSince)
                        ON CONFLICT (guest_uuid) WHERE state = 'WAITING' DO NOTHING RETURNING id""")
                .param("uuid", uuid).param("name", guestName).param("host", fromHostId).param("hostName", fromHost)
                .param("lostSince", Timestamp.from(lostSince)).query(Long.class).optional();
    }

    void task(long restart, long taskId) {
        jdbc.sql("UPDATE ha_restarts SET task_id = :task WHERE id = :id").param("task", taskId).param("id", restart)
                .update();
    }

    Optional<HaRestart> restart(long id) {
        return jdbc.sql("SELECT * FROM ha_restarts WHERE id = :id").param("id", id).query(HaRepository::restart)
                .optional();
    }

    /** Restarts still waiting whose tasks have ended (their instance stopped): to be taken up again. */
    List<HaRestart> waitingWithoutWork() {
        return jdbc.sql("""
                SELECT r.* FROM ha_restarts r LEFT JOIN tasks t ON t.id = r.task_id
                WHERE r.state = 'WAITING' AND (t.id IS NULL OR t.state NOT IN ('QUEUED', 'RUNNING'))
                ORDER BY r.id""").query(HaRepository::restart).list();
    }

    /** Restarts still waiting from the same lost host whose guests have a higher priority than this one's. */
    List<Long> waitingBefore(HaRestart restart) {
        return jdbc.sql("""
                        SELECT r.id FROM ha_restarts r
                        JOIN ha_guests h ON h.guest_uuid = r.guest_uuid
                        WHERE r.state = 'WAITING' AND r.from_host_id = :host AND r.id <> :id
                          AND h.priority > (SELECT priority FROM ha_guests WHERE guest_uuid = :uuid)""")
                .param("host", restart.fromHostId()).param("id", restart.id()).param("uuid", restart.guestUuid())
                .query(Long.class).list();
    }

    void waiting(long id, String reason) {
        jdbc.sql("UPDATE ha_restarts SET reason = :reason WHERE id = :id AND state = 'WAITING'")
                .param("id", id).param("reason", reason).update();
    }

    void started(long id, long toHostId, String toHost) {
        jdbc.sql("""
                        UPDATE ha_restarts SET state = 'RUNNING', to_host_id = :to, to_host = :toName, reason = NULL,
                                               started_at = now()
                        WHERE id = :id""")
                .param("id", id).param("to", toHostId).param("toName", toHost).update();
        // where it runs now, before the inventory has seen it there: never declared lost on the old host again
        jdbc.sql("""
                        UPDATE ha_guests SET last_host_id = :to, last_running = TRUE, last_seen_at = now()
                        WHERE guest_uuid = (SELECT guest_uuid FROM ha_restarts WHERE id = :id)""")
                .param("id", id).param("to", toHostId).update();
    }

    void cancelled(long id, String reason) {
        jdbc.sql("UPDATE ha_restarts SET state = 'CANCELLED', reason = :reason WHERE id = :id AND state = 'WAITING'")
                .param("id", id).param("reason", reason).update();
    }

    /** Restarts done whose lost host answers again and may still hold the old, stopped definition. */
    List<HaRestart> startedFromHostsBack() {
        return jdbc.sql("""
                SELECT r.* FROM ha_restarts r JOIN hosts h ON h.id = r.from_host_id
                WHERE r.state = 'RUNNING' AND NOT r.old_removed AND h.state = 'CONNECTED'""")
                .query(HaRepository::restart).list();
    }

    void oldRemoved(long id) {
        jdbc.sql("UPDATE ha_restarts SET old_removed = TRUE WHERE id = :id").param("id", id).update();
    }

    /** What this round of the watch concludes about a silent host; an administrator's confirmation stays. */
    void hostChecked(long hostId, Instant silentSince, boolean declared, String reason) {
        jdbc.sql("""
                        INSERT INTO ha_host_checks (host_id, silent_since, declared, reason)
                        VALUES (:host, :since, :declared, :reason)
                        ON CONFLICT (host_id) DO UPDATE SET silent_since = :since, declared = :declared,
                            reason = :reason, checked_at = now()
                        WHERE ha_host_checks.confirmed_by IS NULL""")
                .param("host", hostId).param("since", Timestamp.from(silentSince)).param("declared", declared)
                .param("reason", reason).update();
    }

    void hostConfirmedDown(long hostId, Instant silentSince, String reason, String user) {
        jdbc.sql("""
                        INSERT INTO ha_host_checks (host_id, silent_since, declared, reason, confirmed_by)
                        VALUES (:host, :since, TRUE, :reason, :user)
                        ON CONFLICT (host_id) DO UPDATE SET declared = TRUE, reason = :reason, confirmed_by = :user,
                            checked_at = now()""")
                .param("host", hostId).param("since", Timestamp.from(silentSince)).param("reason", reason)
                .param("user", user).update();
    }

    /** Forgets the checks of hosts that answer again. */
    void hostsAnswering() {
        jdbc.sql("DELETE FROM ha_host_checks c USING hosts h WHERE h.id = c.host_id AND h.state <> 'UNREACHABLE'")
                .update();
    }

    List<HostCheck> hostChecks() {
        return jdbc.sql("SELECT c.*, h.name FROM ha_host_checks c JOIN hosts h ON h.id = c.host_id ORDER BY h.name")
                .query(HaRepository::hostCheck).list();
    }

    /**
     * The check of the host the HA guest is restarted from, or else last ran on; empty when that host answers or the
     * guest is not HA. (A failed start elsewhere leaves a short-lived stopped copy, which may move its last host.)
     */
    Optional<HostCheck> hostCheckOf(UUID guest) {
        return jdbc.sql("""
                        SELECT c.*, h.name FROM ha_host_checks c JOIN hosts h ON h.id = c.host_id
                        WHERE c.host_id = COALESCE(
                            (SELECT from_host_id FROM ha_restarts WHERE guest_uuid = :uuid AND state = 'WAITING'),
                            (SELECT last_host_id FROM ha_guests WHERE guest_uuid = :uuid))""")
                .param("uuid", guest).query(HaRepository::hostCheck).optional();
    }

    List<HaRestart> recent(int limit) {
        return jdbc.sql("SELECT * FROM ha_restarts ORDER BY id DESC LIMIT :limit").param("limit", limit)
                .query(HaRepository::restart).list();
    }

    List<HaRestart> recentOf(UUID uuid, int limit) {
        return jdbc.sql("SELECT * FROM ha_restarts WHERE guest_uuid = :uuid ORDER BY id DESC LIMIT :limit")
                .param("uuid", uuid).param("limit", limit).query(HaRepository::restart).list();
    }

    private static HaGuest haGuest(ResultSet rs, int row) throws SQLException {
        return new HaGuest(rs.getObject("guest_uuid", UUID.class), rs.getInt("priority"), rs.getString("definition"),
                instant(rs.getTimestamp("definition_read_at")), rs.getString("enabled_by"),
                (Long) rs.getObject("last_host_id"), rs.getBoolean("last_running"));
    }

    private static HaRestart restart(ResultSet rs, int row) throws SQLException {
        return new HaRestart(rs.getLong("id"), rs.getObject("guest_uuid", UUID.class), rs.getString("guest_name"),
                rs.getLong("from_host_id"), rs.getString("from_host"), (Long) rs.getObject("to_host_id"),
                rs.getString("to_host"), rs.getString("state"), rs.getString("reason"), (Long) rs.getObject("task_id"),
                instant(rs.getTimestamp("lost_since")), instant(rs.getTimestamp("declared_at")),
                instant(rs.getTimestamp("started_at")));
    }

    private static HostCheck hostCheck(ResultSet rs, int row) throws SQLException {
        return new HostCheck(rs.getLong("host_id"), rs.getString("name"), instant(rs.getTimestamp("silent_since")),
                rs.getBoolean("declared"), rs.getString("reason"), rs.getString("confirmed_by"),
                instant(rs.getTimestamp("checked_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
