package io.virtdeck.migration;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.hypervisor.MigrationOptions;
import tools.jackson.databind.json.JsonMapper;

@Repository
class MigrationRepository {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    MigrationRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Migration migration) {
        jdbc.sql("""
                        INSERT INTO migrations (task_id, guest_id, uuid, guest_name, source_host_id, target_host_id,
                                                live, options)
                        VALUES (:task, :guest, :uuid, :name, :source, :target, :live, :options)""")
                .param("task", migration.taskId()).param("guest", migration.guestId())
                .param("uuid", migration.uuid()).param("name", migration.guestName())
                .param("source", migration.sourceHostId()).param("target", migration.targetHostId())
                .param("live", migration.options().live())
                .param("options", json.writeValueAsString(migration.options()))
                .update();
    }

    Optional<Migration> findByTask(long taskId) {
        return jdbc.sql("SELECT * FROM migrations WHERE task_id = :task").param("task", taskId)
                .query((rs, n) -> new Migration(rs.getLong("task_id"), rs.getLong("guest_id"),
                        rs.getObject("uuid", UUID.class), rs.getString("guest_name"), rs.getLong("source_host_id"),
                        rs.getLong("target_host_id"), json.readValue(rs.getString("options"), MigrationOptions.class)))
                .optional();
    }
}
