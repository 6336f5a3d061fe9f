package io.virtdeck.backup;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The backup catalogue in PostgreSQL: stores, chains, points and their disks. */
@Repository
public class BackupRepository {

    private static final String POINTS = """
            SELECT p.*, c.store_id, c.guest_uuid, c.guest_name, c.host_id
            FROM backup_points p JOIN backup_chains c ON c.id = p.chain_id""";

    private final JdbcClient jdbc;

    public BackupRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A store on a host's pool ({@code hostId}, {@code pool}) or in a directory of the server (the others null). */
    public BackupStore insertStore(String name, Long hostId, String pool, String directory) {
        long id = jdbc.sql("INSERT INTO backup_stores (name, host_id, pool, directory)"
                        + " VALUES (:name, :host, :pool, :directory) RETURNING id")
                .param("name", name).param("host", hostId).param("pool", pool).param("directory", directory)
                .query(Long.class).single();
        return findStore(id).orElseThrow();
    }

    public Optional<BackupStore> findStoreByDirectory(String directory) {
        return jdbc.sql("SELECT * FROM backup_stores WHERE directory = :directory").param("directory", directory)
                .query(BackupRepository::store).optional();
    }

    public Optional<BackupStore> findStore(long id) {
        return jdbc.sql("SELECT * FROM backup_stores WHERE id = :id").param("id", id)
                .query(BackupRepository::store).optional();
    }

    public Optional<BackupStore> findStoreByName(String name) {
        return jdbc.sql("SELECT * FROM backup_stores WHERE name = :name").param("name", name)
                .query(BackupRepository::store).optional();
    }

    public Optional<BackupStore> findStoreByPool(long hostId, String pool) {
        return jdbc.sql("SELECT * FROM backup_stores WHERE host_id = :host AND pool = :pool")
                .param("host", hostId).param("pool", pool).query(BackupRepository::store).optional();
    }

    public List<BackupStore> stores() {
        return jdbc.sql("SELECT * FROM backup_stores ORDER BY name").query(BackupRepository::store).list();
    }

    public void renameStore(long id, String name) {
        jdbc.sql("UPDATE backup_stores SET name = :name WHERE id = :id").param("name", name).param("id", id).update();
    }

    /** Deletes the store's row and its catalogue (not the files). */
    public void deleteStore(long id) {
        jdbc.sql("DELETE FROM backup_stores WHERE id = :id").param("id", id).update();
    }

    /** What each chain of the store holds: how many points and volumes. */
    public long pointCount(long storeId) {
        return jdbc.sql("SELECT count(*) FROM backup_points p JOIN backup_chains c ON c.id = p.chain_id "
                + "WHERE c.store_id = :store").param("store", storeId).query(Long.class).single();
    }

    public long copiedBytes(long storeId) {
        return jdbc.sql("SELECT coalesce(sum(p.bytes_copied), 0) FROM backup_points p JOIN backup_chains c "
                + "ON c.id = p.chain_id WHERE c.store_id = :store AND p.state = 'COMPLETE'").param("store", storeId)
                .query(Long.class).single();
    }

    public long chainCount(long storeId) {
        return jdbc.sql("SELECT count(*) FROM backup_chains WHERE store_id = :store").param("store", storeId)
                .query(Long.class).single();
    }

    public long insertChain(long storeId, UUID guestUuid, String guestName, long hostId) {
        return jdbc.sql("""
                        INSERT INTO backup_chains (store_id, guest_uuid, guest_name, host_id)
                        VALUES (:store, :uuid, :name, :host) RETURNING id""")
                .param("store", storeId).param("uuid", guestUuid).param("name", guestName).param("host", hostId)
                .query(Long.class).single();
    }

    /** A new point, RUNNING, with its disks. */
    @Transactional
    public long insertPoint(long chainId, int seq, String checkpoint, long taskId, String definition,
                            String fullReason, List<BackupPoint.Disk> disks) {
        long id = jdbc.sql("""
                        INSERT INTO backup_points (chain_id, seq, state, checkpoint, task_id, definition, full_reason)
                        VALUES (:chain, :seq, 'RUNNING', :checkpoint, :task, :definition, :reason) RETURNING id""")
                .param("chain", chainId).param("seq", seq).param("checkpoint", checkpoint).param("task", taskId)
                .param("definition", definition).param("reason", fullReason).query(Long.class).single();
        for (BackupPoint.Disk disk : disks) {
            jdbc.sql("""
                            INSERT INTO backup_point_disks (point_id, disk, source, volume, capacity_bytes)
                            VALUES (:point, :disk, :source, :volume, :capacity)""")
                    .param("point", id).param("disk", disk.disk()).param("source", disk.source())
                    .param("volume", disk.volume()).param("capacity", disk.capacityBytes()).update();
        }
        return id;
    }

    public void started(long pointId, boolean startedPaused, int frozen, String freezeNote) {
        jdbc.sql("UPDATE backup_points SET started_paused = :paused, frozen = :frozen, freeze_note = :note "
                        + "WHERE id = :id")
                .param("paused", startedPaused).param("frozen", frozen).param("note", freezeNote).param("id", pointId)
                .update();
    }

    public void completed(long pointId, long bytesCopied) {
        jdbc.sql("UPDATE backup_points SET state = 'COMPLETE', bytes_copied = :bytes, finished_at = now() "
                + "WHERE id = :id").param("bytes", bytesCopied).param("id", pointId).update();
    }

    public void failed(long pointId, String failure) {
        jdbc.sql("UPDATE backup_points SET state = 'FAILED', failure = :failure, finished_at = now() WHERE id = :id")
                .param("failure", failure).param("id", pointId).update();
    }

    public void verified(long pointId, boolean passed, String detail) {
        jdbc.sql("UPDATE backup_points SET verify_state = :state, verify_detail = :detail, verified_at = now() "
                        + "WHERE id = :id")
                .param("state", passed ? "PASSED" : "FAILED").param("detail", detail).param("id", pointId).update();
    }

    public Optional<BackupPoint> findPoint(long id) {
        return points(POINTS + " WHERE p.id = :id", Map.of("id", id)).stream().findFirst();
    }

    public Optional<BackupPoint> findPointByTask(long taskId) {
        return points(POINTS + " WHERE p.task_id = :task", Map.of("task", taskId)).stream().findFirst();
    }

    public String definition(long pointId) {
        return jdbc.sql("SELECT definition FROM backup_points WHERE id = :id").param("id", pointId)
                .query(String.class).single();
    }

    /** The guest's points, newest first. */
    public List<BackupPoint> pointsOfGuest(UUID guestUuid) {
        return points(POINTS + " WHERE c.guest_uuid = :uuid ORDER BY p.started_at DESC, p.id DESC",
                Map.of("uuid", guestUuid));
    }

    /** The newest point of the guest in the store, whatever its state: the one a next backup may continue. */
    public Optional<BackupPoint> latestPoint(UUID guestUuid, long storeId) {
        return points(POINTS + " WHERE c.guest_uuid = :uuid AND c.store_id = :store ORDER BY p.id DESC LIMIT 1",
                Map.of("uuid", guestUuid, "store", storeId)).stream().findFirst();
    }

    /** The newest COMPLETE point of the chain. */
    public Optional<BackupPoint> latestComplete(long chainId) {
        return points(POINTS + " WHERE p.chain_id = :chain AND p.state = 'COMPLETE' ORDER BY p.seq DESC LIMIT 1",
                Map.of("chain", chainId)).stream().findFirst();
    }

    /** The chain's points up to {@code seq}, complete ones only, oldest first: what a restore of that point reads. */
    public List<BackupPoint> chainUpTo(long chainId, int seq) {
        return points(POINTS + " WHERE p.chain_id = :chain AND p.seq <= :seq AND p.state = 'COMPLETE' ORDER BY p.seq",
                Map.of("chain", chainId, "seq", seq));
    }

    /** Deletes a point's rows, and its chain's when no point is left in it. */
    @Transactional
    public void deletePoint(long pointId) {
        Long chain = jdbc.sql("DELETE FROM backup_points WHERE id = :id RETURNING chain_id").param("id", pointId)
                .query(Long.class).optional().orElse(null);
        if (chain != null) {
            jdbc.sql("DELETE FROM backup_chains c WHERE id = :chain AND NOT EXISTS "
                    + "(SELECT 1 FROM backup_points p WHERE p.chain_id = c.id)").param("chain", chain).update();
        }
    }

    public int nextSeq(long chainId) {
        return jdbc.sql("SELECT coalesce(max(seq) + 1, 0) FROM backup_points WHERE chain_id = :chain")
                .param("chain", chainId).query(Integer.class).single();
    }

    private List<BackupPoint> points(String sql, Map<String, ?> params) {
        List<BackupPoint> points = jdbc.sql(sql).params(params).query(BackupRepository::point).list();
        if (points.isEmpty()) {
            return points;
        }
        Map<Long, List<BackupPoint.Disk>> disks = new LinkedHashMap<>();
        jdbc.sql("SELECT * FROM backup_point_disks WHERE point_id IN (:ids) ORDER BY disk")
                .param("ids", points.stream().map(BackupPoint::id).toList())
                .query((rs, n) -> disks.computeIfAbsent(rs.getLong("point_id"), k -> new ArrayList<>())
                        .add(new BackupPoint.Disk(rs.getString("disk"), rs.getString("source"), rs.getString("volume"),
                                rs.getLong("capacity_bytes")))).list();
        return points.stream().map(p -> new BackupPoint(p.id(), p.chainId(), p.seq(), p.state(), p.checkpoint(),
                p.taskId(), p.storeId(), p.guestUuid(), p.guestName(), p.hostId(), p.fullReason(), p.startedPaused(),
                p.frozen(), p.freezeNote(), p.bytesCopied(), p.failure(), p.startedAt(), p.finishedAt(),
                List.copyOf(disks.getOrDefault(p.id(), List.of())), p.verification())).toList();
    }

    private static BackupStore store(ResultSet rs, int row) throws SQLException {
        return new BackupStore(rs.getLong("id"), rs.getString("name"), rs.getObject("host_id", Long.class),
                rs.getString("pool"), rs.getString("directory"), instant(rs, "created_at"));
    }

    private static BackupPoint point(ResultSet rs, int row) throws SQLException {
        return new BackupPoint(rs.getLong("id"), rs.getLong("chain_id"), rs.getInt("seq"),
                BackupPoint.State.valueOf(rs.getString("state")), rs.getString("checkpoint"),
                rs.getObject("task_id", Long.class), rs.getLong("store_id"), rs.getObject("guest_uuid", UUID.class),
                rs.getString("guest_name"), rs.getLong("host_id"), rs.getString("full_reason"),
                rs.getBoolean("started_paused"), rs.getInt("frozen"), rs.getString("freeze_note"),
                rs.getObject("bytes_copied", Long.class), rs.getString("failure"), instant(rs, "started_at"),
                instant(rs, "finished_at"), List.of(), rs.getString("verify_state") == null ? null
                        : new BackupPoint.Verification("PASSED".equals(rs.getString("verify_state")),
                        rs.getString("verify_detail"), instant(rs, "verified_at")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
