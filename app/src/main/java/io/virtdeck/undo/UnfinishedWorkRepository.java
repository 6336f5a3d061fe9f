package io.virtdeck.undo;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;

/**
 * Unfinished works and the things each makes. Every write commits at once, before the thing it records is made: a
 * kill a moment later still finds it.
 */
@Repository
class UnfinishedWorkRepository {

    /** A work whose Virtdeck instance has stopped (its lease row expired or gone). */
    private static final String LEFT_BY_A_STOPPED_INSTANCE = """
            NOT EXISTS (SELECT 1 FROM virtdeck_instances i
                        WHERE i.id = unfinished_work.instance_id AND i.alive_until > now())""";

    /** A work interrupted by a stop, with what it had recorded (newest first) and since when it waits to settle. */
    record Interrupted(long id, Long taskId, AuditAction action, String user, AuditObject subject,
                       java.time.Instant interruptedAt, List<Leftover> made) {
    }

    private final JdbcClient jdbc;

    UnfinishedWorkRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long begin(UUID instance, Long taskId, AuditAction action, String user, AuditObject subject) {
        return jdbc.sql("""
                        INSERT INTO unfinished_work (instance_id, task_id, action, username, object_type, object_id,
                                                     object_name)
                        VALUES (:instance, :task, :action, :user, :type, :objectId, :name) RETURNING id""")
                .param("instance", instance).param("task", taskId).param("action", action.code())
                .param("user", user).param("type", subject.type()).param("objectId", subject.id())
                .param("name", subject.name()).query(Long.class).single();
    }

    long record(long work, Leftover thing) {
        return jdbc.sql("""
                        INSERT INTO unfinished_work_items (work_id, kind, host_id, host_name, within, name, uuid, path)
                        VALUES (:work, :kind, :hostId, :hostName, :within, :name, :uuid, :path) RETURNING id""")
                .param("work", work).param("kind", thing.kind().name()).param("hostId", thing.hostId())
                .param("hostName", thing.hostName()).param("within", thing.within()).param("name", thing.name())
                .param("uuid", thing.uuid()).param("path", thing.path()).query(Long.class).single();
    }

    void partOf(long work, long taskId) {
        jdbc.sql("UPDATE unfinished_work SET task_id = :task WHERE id = :id").param("task", taskId).param("id", work)
                .update();
    }

    void forget(long item) {
        jdbc.sql("DELETE FROM unfinished_work_items WHERE id = :id").param("id", item).update();
    }

    /** The work is over: what it made is kept, or was taken back. */
    void end(long work) {
        jdbc.sql("DELETE FROM unfinished_work WHERE id = :id").param("id", work).update();
    }

    /**
     * Makes the works of stopped instances this instance's to settle, and their unfinished tasks with them (so that
     * the tasks' own recovery leaves them to this). Each is taken by one instance only.
     */
    void adoptInterrupted(UUID instance) {
        // never this instance's own, even while its heartbeat lags after the database was unreachable: it runs them
        List<Long> adopted = jdbc.sql("UPDATE unfinished_work SET instance_id = :instance,"
                        + " interrupted_at = coalesce(interrupted_at, now()) WHERE instance_id <> :instance AND "
                        + LEFT_BY_A_STOPPED_INSTANCE + " RETURNING id")
                .param("instance", instance).query(Long.class).list();
        if (!adopted.isEmpty()) {
            jdbc.sql("""
                            UPDATE tasks SET instance_id = :instance
                            WHERE state IN ('QUEUED', 'RUNNING')
                              AND id IN (SELECT task_id FROM unfinished_work WHERE id = ANY(:works))""")
                    .param("instance", instance).param("works", adopted.toArray(new Long[0])).update();
        }
    }

    /** The interrupted works this instance has taken over and not settled yet. */
    List<Interrupted> interrupted(UUID instance) {
        return jdbc.sql("SELECT * FROM unfinished_work WHERE instance_id = :instance AND interrupted_at IS NOT NULL"
                        + " ORDER BY id")
                .param("instance", instance).query((rs, row) -> new Interrupted(rs.getLong("id"),
                        (Long) rs.getObject("task_id"), AuditAction.byCode(rs.getString("action")).orElseThrow(),
                        rs.getString("username"), new AuditObject(rs.getString("object_type"),
                        rs.getString("object_id"), rs.getString("object_name")),
                        rs.getTimestamp("interrupted_at").toInstant(), List.of()))
                .list().stream().map(work -> new Interrupted(work.id(), work.taskId(), work.action(), work.user(),
                        work.subject(), work.interruptedAt(), made(work.id()))).toList();
    }

    private List<Leftover> made(long work) {
        return jdbc.sql("SELECT * FROM unfinished_work_items WHERE work_id = :work ORDER BY id DESC")
                .param("work", work).query(UnfinishedWorkRepository::leftover).list();
    }

    private static Leftover leftover(ResultSet rs, int row) throws SQLException {
        return new Leftover(rs.getLong("id"), Leftover.Kind.valueOf(rs.getString("kind")),
                (Long) rs.getObject("host_id"), rs.getString("host_name"), rs.getString("within"),
                rs.getString("name"), rs.getObject("uuid", UUID.class), rs.getString("path"));
    }
}
