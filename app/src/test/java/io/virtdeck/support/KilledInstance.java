package io.virtdeck.support;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database's side of a Virtdeck killed mid-work, for tests that settle what it left: its running tasks and
 * unfinished works belong to an instance that stopped renewing its life a minute ago, as a {@code kill -9} leaves them.
 */
public final class KilledInstance {

    private KilledInstance() {
    }

    /** A RUNNING task of {@code type} about a guest, run by the instance {@code self} (the test's own). */
    public static long runningTask(JdbcClient jdbc, UUID self, String type, String objectId) {
        return jdbc.sql("""
                        INSERT INTO tasks (type, state, username, object_type, object_id, started_at, instance_id)
                        VALUES (:type, 'RUNNING', 'alice', 'guest', :object, now(), :instance) RETURNING id""")
                .param("type", type).param("object", objectId).param("instance", self).query(Long.class).single();
    }

    /** The task and the works recorded for it now belong to an instance that was killed. */
    public static void kill(JdbcClient jdbc, long task) {
        UUID dead = stoppedInstance(jdbc);
        jdbc.sql("UPDATE unfinished_work SET instance_id = :dead WHERE task_id = :task").param("dead", dead)
                .param("task", task).update();
        jdbc.sql("UPDATE tasks SET instance_id = :dead WHERE id = :task").param("dead", dead).param("task", task)
                .update();
    }

    /** A new instance that stopped a minute ago. */
    public static UUID stoppedInstance(JdbcClient jdbc) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO virtdeck_instances (id, name, alive_until) VALUES (:id, 'killed', now() - interval"
                + " '1 minute')").param("id", id).update();
        return id;
    }
}
