package io.virtdeck.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.ObjectScope;
import io.virtdeck.core.Page;

@Repository
public class TaskRepository {

    /**
     * Unfinished tasks whose instance has stopped (or that predate instances): for whoever starts to settle. Those
     * with a record of what their work was making are settled with it (the journal takes what they made back).
     */
    private static final String ORPHANED = """
            state IN ('QUEUED', 'RUNNING') AND (instance_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM virtdeck_instances i WHERE i.id = tasks.instance_id AND i.alive_until > now()))
            AND NOT EXISTS (SELECT 1 FROM unfinished_work w WHERE w.task_id = tasks.id)""";

    private final JdbcClient jdbc;
    private final VirtdeckInstance instance;

    public TaskRepository(JdbcClient jdbc, VirtdeckInstance instance) {
        this.jdbc = jdbc;
        this.instance = instance;
    }

    /** Queues a task; empty when the object already has an unfinished task (the database's unique index says so). */
    public Optional<Long> insertQueued(String type, String user, AuditObject object, boolean cancellable) {
        return insertQueued(type, user, object, cancellable, null);
    }

    /** As above, as a child of {@code parentId} (null for none). */
    public Optional<Long> insertQueued(String type, String user, AuditObject object, boolean cancellable,
                                       Long parentId) {
        try {
            return Optional.of(jdbc.sql("""
                            INSERT INTO tasks (type, state, username, object_type, object_id, object_name, cancellable,
                                               instance_id, parent_id)
                            VALUES (:type, 'QUEUED', :user, :objectType, :objectId, :objectName, :cancellable,
                                    :instance, :parent)
                            RETURNING id""")
                    .param("instance", instance.id()).param("type", type).param("user", user)
                    .param("parent", parentId)
                    .param("objectType", object.type())
                    .param("objectId", object.id()).param("objectName", object.name())
                    .param("cancellable", cancellable)
                    .query(Long.class).single());
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    /** Children that never ran, closed at once as cancelled with the reason: one statement for them all. */
    public void insertSkipped(long parentId, String type, String user, List<AuditObject> objects, String reason) {
        if (objects.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, object_name, message,
                                           parent_id, finished_at)
                        SELECT :type, 'CANCELLED', :user, o.type, o.id, o.name, :reason, :parent, now()
                        FROM unnest(:types, :ids, :names) AS o(type, id, name)""")
                .param("type", type).param("user", user).param("reason", reason).param("parent", parentId)
                .param("types", objects.stream().map(AuditObject::type).toArray(String[]::new))
                .param("ids", objects.stream().map(AuditObject::id).toArray(String[]::new))
                .param("names", objects.stream().map(AuditObject::name).toArray(String[]::new))
                .update();
    }

    public void expectChildren(long id, int count) {
        jdbc.sql("UPDATE tasks SET children_expected = :count WHERE id = :id").param("id", id).param("count", count)
                .update();
    }

    public int childrenExpected(long id) {
        return jdbc.sql("SELECT coalesce(children_expected, 0) FROM tasks WHERE id = :id").param("id", id)
                .query(Integer.class).optional().orElse(0);
    }

    public void setParent(long id, long parentId) {
        jdbc.sql("UPDATE tasks SET parent_id = :parent WHERE id = :id").param("id", id).param("parent", parentId)
                .update();
    }

    /** A task's children in {@code states} (any when empty), oldest first. */
    public List<Task> children(long parentId, Set<Task.State> states, int limit) {
        return jdbc.sql("SELECT * FROM tasks WHERE parent_id = :parent"
                        + (states.isEmpty() ? "" : " AND state = ANY(:states)") + " ORDER BY id LIMIT :limit")
                .param("parent", parentId).param("limit", limit)
                .param("states", states.stream().map(Enum::name).toArray(String[]::new))
                .query(TaskRepository::task).list();
    }

    public Map<Task.State, Long> childCounts(long parentId) {
        Map<Task.State, Long> counts = new java.util.EnumMap<>(Task.State.class);
        jdbc.sql("SELECT state, count(*) AS n FROM tasks WHERE parent_id = :parent GROUP BY state")
                .param("parent", parentId)
                .query(rs -> {
                    counts.put(Task.State.valueOf(rs.getString("state")), rs.getLong("n"));
                });
        return counts;
    }

    public Optional<Task> findActive(AuditObject object) {
        return jdbc.sql("SELECT * FROM tasks WHERE object_type = :type AND object_id = :id "
                        + "AND state IN ('QUEUED', 'RUNNING')")
                .param("type", object.type()).param("id", object.id()).query(TaskRepository::task).optional();
    }

    /** The task while it is unfinished and this instance's (not adopted by another one meanwhile). */
    public Optional<Task> findOwnUnfinished(long id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id AND state IN ('QUEUED', 'RUNNING')"
                        + " AND instance_id = :instance")
                .param("id", id).param("instance", instance.id()).query(TaskRepository::task).optional();
    }

    public Optional<Task> findById(long id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id").param("id", id).query(TaskRepository::task).optional();
    }

    /** The task when it is about an object in the scope; empty when there is none or it is about another. */
    public Optional<Task> findById(long id, ObjectScope scope) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id AND " + scope.condition(params)).params(params)
                .query(TaskRepository::task).optional();
    }

    /** Of {@code ids}, those about objects in the scope. */
    public Set<Long> idsIn(List<Long> ids, ObjectScope scope) {
        Map<String, Object> params = new HashMap<>();
        params.put("ids", ids.toArray(new Long[0]));
        return new HashSet<>(jdbc.sql("SELECT id FROM tasks WHERE id = ANY(:ids) AND " + scope.condition(params))
                .params(params).query(Long.class).list());
    }

    /** Newest first, the tasks about objects in the scope. */
    public Page<Task> find(boolean activeOnly, ObjectScope scope, int page, int size) {
        Map<String, Object> params = new HashMap<>();
        String where = " WHERE " + scope.condition(params) + (activeOnly ? " AND state IN ('QUEUED', 'RUNNING')" : "");
        long total = jdbc.sql("SELECT count(*) FROM tasks" + where).params(params).query(Long.class).single();
        params.put("limit", size);
        params.put("offset", (long) page * size);
        List<Task> items = jdbc.sql("SELECT * FROM tasks" + where + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .params(params).query(TaskRepository::task).list();
        return new Page<>(items, total, page, size);
    }

    /**
     * Unfinished tasks of Virtdeck instances that have stopped: those of a running instance are its own. This
     * instance's own are never among them, even while its heartbeat lags after the database was unreachable: it still
     * runs them.
     */
    public List<Task> findOrphaned() {
        return jdbc.sql("SELECT * FROM tasks WHERE " + ORPHANED + " AND instance_id IS DISTINCT FROM :instance"
                + " ORDER BY id").param("instance", instance.id()).query(TaskRepository::task).list();
    }

    /**
     * Makes an orphaned task this instance's, to settle or follow; false when it is not orphaned (any more): another
     * instance adopted it first, or it ended.
     */
    public boolean adopt(long id) {
        return jdbc.sql("UPDATE tasks SET instance_id = :instance WHERE id = :id AND " + ORPHANED)
                .param("instance", instance.id()).param("id", id).update() == 1;
    }

    public void started(long id) {
        jdbc.sql("UPDATE tasks SET state = 'RUNNING', started_at = now() WHERE id = :id AND state = 'QUEUED'")
                .param("id", id).update();
    }

    public void progress(long id, int percent, String message) {
        jdbc.sql("UPDATE tasks SET progress = :p, message = :m WHERE id = :id AND state = 'RUNNING'")
                .param("id", id).param("p", Math.max(0, Math.min(100, percent))).param("m", message).update();
    }

    /** Closes an unfinished task; false when it had already finished. */
    public boolean finish(long id, Task.State state, String message) {
        return finish(id, state, message, "");
    }

    /**
     * Closes an unfinished task of this instance; false when it had already finished or another instance adopted it
     * (this one's heartbeat lapsed while the database was unreachable): then that instance settles it.
     */
    public boolean finishOwn(long id, Task.State state, String message) {
        return finish(id, state, message, " AND instance_id = :instance");
    }

    private boolean finish(long id, Task.State state, String message, String andWhere) {
        Map<String, Object> params = new HashMap<>(Map.of("id", id, "state", state.name(), "instance", instance.id()));
        params.put("message", message);
        return jdbc.sql("""
                        UPDATE tasks SET state = :state, message = :message, finished_at = now(),
                               progress = CASE WHEN :state = 'SUCCEEDED' THEN 100 ELSE progress END
                        WHERE id = :id AND state IN ('QUEUED', 'RUNNING')""" + andWhere)
                .params(params).update() == 1;
    }

    /** Told a task's id when someone asks to cancel it: the instance running its work aborts it at once. */
    public static final String CANCEL_CHANNEL = "virtdeck_task_cancel";

    /** Marks the task for cancelling and tells every instance (PostgreSQL delivers once this commits). */
    public boolean requestCancel(long id) {
        boolean marked = jdbc.sql("""
                        UPDATE tasks SET cancel_requested = TRUE
                        WHERE id = :id AND cancellable AND state IN ('QUEUED', 'RUNNING')""")
                .param("id", id).update() == 1;
        if (marked) {
            jdbc.sql("SELECT pg_notify(:channel, :id)").param("channel", CANCEL_CHANNEL)
                    .param("id", Long.toString(id)).query((rs, row) -> Boolean.TRUE).list();
        }
        return marked;
    }

    /** Which of these tasks someone asked to cancel, through whichever instance. */
    public Set<Long> cancelRequestedAmong(Collection<Long> ids) {
        return Set.copyOf(jdbc.sql("SELECT id FROM tasks WHERE id = ANY(:ids) AND cancel_requested")
                .param("ids", ids.toArray(new Long[0])).query(Long.class).list());
    }

    public boolean cancelRequested(long id) {
        return jdbc.sql("SELECT cancel_requested FROM tasks WHERE id = :id").param("id", id)
                .query(Boolean.class).optional().orElse(true);
    }

    private static Task task(ResultSet rs, int row) throws SQLException {
        return new Task(rs.getLong("id"), rs.getString("type"), Task.State.valueOf(rs.getString("state")),
                rs.getInt("progress"), rs.getString("message"), rs.getString("username"),
                rs.getString("object_type"), rs.getString("object_id"), rs.getString("object_name"),
                rs.getBoolean("cancellable"), instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
