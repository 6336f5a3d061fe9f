package io.virtdeck.backup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Scheduled backups in PostgreSQL, and the claim that lets one instance only run a due job. */
@Repository
public class BackupJobRepository {

    private final JdbcClient jdbc;

    public BackupJobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @param verify the checked verification (see {@link BackupVerify#checked}); null for none */
    public long insert(BackupJobRequest request, BackupJob.Scope scope, VerifyRequest verify, Instant nextRunAt,
                       String user) {
        Retention r = request.retention();
        return jdbc.sql("""
                        INSERT INTO backup_jobs (name, scope, guest_id, host_id, store_id, schedule, keep_last,
                                                 keep_daily, keep_weekly, keep_monthly, verify_sign, verify_text,
                                                 verify_secs, next_run_at, created_by)
                        VALUES (:name, :scope, :guest, :host, :store, :schedule, :last, :daily, :weekly, :monthly,
                                :sign, :text, :secs, :next, :user) RETURNING id""")
                .param("name", request.name()).param("scope", scope.name())
                .param("guest", scope == BackupJob.Scope.GUEST ? request.guestId() : null)
                .param("host", scope == BackupJob.Scope.HOST ? request.hostId() : null)
                .param("store", request.storeId()).param("schedule", request.schedule().trim())
                .param("last", r.keepLast()).param("daily", r.keepDaily()).param("weekly", r.keepWeekly())
                .param("monthly", r.keepMonthly()).param("next", Timestamp.from(nextRunAt)).param("user", user)
                .param("sign", verify == null ? null : verify.signOfLife())
                .param("text", verify == null ? null : verify.serialText())
                .param("secs", verify == null ? null : verify.timeoutSeconds())
                .query(Long.class).single();
    }

    /** Changes all but its name's history: what it covers, where, when (its next run), retention, verification. */
    public void update(long id, BackupJobRequest request, BackupJob.Scope scope, VerifyRequest verify,
                       Instant nextRunAt) {
        Retention r = request.retention();
        jdbc.sql("""
                        UPDATE backup_jobs SET name = :name, scope = :scope, guest_id = :guest, host_id = :host,
                               store_id = :store, schedule = :schedule, keep_last = :last, keep_daily = :daily,
                               keep_weekly = :weekly, keep_monthly = :monthly, verify_sign = :sign,
                               verify_text = :text, verify_secs = :secs, next_run_at = :next
                        WHERE id = :id""")
                .param("id", id).param("name", request.name()).param("scope", scope.name())
                .param("guest", scope == BackupJob.Scope.GUEST ? request.guestId() : null)
                .param("host", scope == BackupJob.Scope.HOST ? request.hostId() : null)
                .param("store", request.storeId()).param("schedule", request.schedule().trim())
                .param("last", r.keepLast()).param("daily", r.keepDaily()).param("weekly", r.keepWeekly())
                .param("monthly", r.keepMonthly()).param("next", Timestamp.from(nextRunAt))
                .param("sign", verify == null ? null : verify.signOfLife())
                .param("text", verify == null ? null : verify.serialText())
                .param("secs", verify == null ? null : verify.timeoutSeconds())
                .update();
    }

    public Optional<BackupJob> find(long id) {
        return jdbc.sql("SELECT * FROM backup_jobs WHERE id = :id").param("id", id)
                .query(BackupJobRepository::job).optional();
    }

    public Optional<BackupJob> findByName(String name) {
        return jdbc.sql("SELECT * FROM backup_jobs WHERE name = :name").param("name", name)
                .query(BackupJobRepository::job).optional();
    }

    public List<BackupJob> all() {
        return jdbc.sql("SELECT * FROM backup_jobs ORDER BY name").query(BackupJobRepository::job).list();
    }

    public List<BackupJob> due(Instant now) {
        return jdbc.sql("SELECT * FROM backup_jobs WHERE next_run_at <= :now ORDER BY next_run_at")
                .param("now", Timestamp.from(now)).query(BackupJobRepository::job).list();
    }

    /**
     * Moves a due job on to its next run, if no other instance did first: true for the one instance whose update
     * found the run still due (PostgreSQL re-reads the row after a concurrent update commits).
     */
    public boolean claim(long id, Instant due, Instant next) {
        return jdbc.sql("UPDATE backup_jobs SET next_run_at = :next, last_run_at = now() "
                        + "WHERE id = :id AND next_run_at = :due")
                .param("next", Timestamp.from(next)).param("id", id).param("due", Timestamp.from(due)).update() == 1;
    }

    /** A run's outcome, scheduled or asked for now. @param tasks the backup tasks the run started */
    public void result(long id, String result, List<Long> tasks) {
        jdbc.sql("UPDATE backup_jobs SET last_run_at = now(), last_result = :result,"
                        + " last_tasks = CAST(:tasks AS BIGINT[]) WHERE id = :id")
                .param("result", result).param("tasks", arrayText(tasks)).param("id", id).update();
    }

    /** PostgreSQL's text form of an array of ids: {1,2,3}. */
    private static String arrayText(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    /** How the given tasks stand, as a count per task state (SUCCEEDED, FAILED, RUNNING...). */
    public Map<String, Long> taskStates(List<Long> tasks) {
        Map<String, Long> counts = new TreeMap<>();
        if (!tasks.isEmpty()) {
            jdbc.sql("SELECT state, count(*) AS n FROM tasks WHERE id = ANY(CAST(:ids AS BIGINT[]))"
                            + " GROUP BY state").param("ids", arrayText(tasks))
                    .query((rs, row) -> counts.put(rs.getString("state"), rs.getLong("n"))).list();
        }
        return counts;
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM backup_jobs WHERE id = :id").param("id", id).update();
    }

    private static BackupJob job(ResultSet rs, int row) throws SQLException {
        Timestamp last = rs.getTimestamp("last_run_at");
        return new BackupJob(rs.getLong("id"), rs.getString("name"), BackupJob.Scope.valueOf(rs.getString("scope")),
                rs.getObject("guest_id", Long.class), rs.getObject("host_id", Long.class), rs.getLong("store_id"),
                rs.getString("schedule"), ZoneId.systemDefault().getId(),
                new Retention(rs.getObject("keep_last", Integer.class), rs.getObject("keep_daily", Integer.class),
                        rs.getObject("keep_weekly", Integer.class), rs.getObject("keep_monthly", Integer.class)),
                rs.getString("verify_sign") == null ? null : new VerifyRequest(rs.getString("verify_sign"),
                        rs.getString("verify_text"), rs.getObject("verify_secs", Integer.class)),
                rs.getTimestamp("next_run_at").toInstant(), last == null ? null : last.toInstant(),
                rs.getString("last_result"), List.of((Long[]) rs.getArray("last_tasks").getArray()));
    }
}
