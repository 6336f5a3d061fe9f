package io.virtdeck.guest.cloudinit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The cloud-init settings of guests that have a seed, with where the seed lies. */
@Repository
class CloudInitRepository {

    /** What is kept for a guest: its plan as last written, the seed's volume, and when. */
    record Kept(CloudInitPlan plan, SeedVolume seed, Instant updatedAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CloudInitRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void save(long guestId, CloudInitPlan plan, SeedVolume seed) {
        jdbc.sql("""
                        INSERT INTO guest_cloud_init (guest_id, settings, password_hash, instance_id, seed_pool,
                                                      seed_volume, updated_at)
                        VALUES (:guest, CAST(:settings AS jsonb), :hash, :instance, :pool, :volume, now())
                        ON CONFLICT (guest_id) DO UPDATE SET settings = CAST(:settings AS jsonb), password_hash = :hash,
                            instance_id = :instance, seed_pool = :pool, seed_volume = :volume, updated_at = now()""")
                .param("guest", guestId)
                .param("settings", json.writeValueAsString(plan.settings()))
                .param("hash", plan.passwordHash())
                .param("instance", plan.instanceId())
                .param("pool", seed.pool())
                .param("volume", seed.volume())
                .update();
    }

    Optional<Kept> find(long guestId) {
        return jdbc.sql("SELECT * FROM guest_cloud_init WHERE guest_id = :guest").param("guest", guestId)
                .query(this::kept).optional();
    }

    void delete(long guestId) {
        jdbc.sql("DELETE FROM guest_cloud_init WHERE guest_id = :guest").param("guest", guestId).update();
    }

    private Kept kept(ResultSet rs, int row) throws SQLException {
        CloudInitSettings settings = json.readValue(rs.getString("settings"), CloudInitSettings.class);
        return new Kept(new CloudInitPlan(settings, rs.getString("password_hash"), rs.getString("instance_id")),
                new SeedVolume(rs.getString("seed_pool"), rs.getString("seed_volume")),
                rs.getTimestamp("updated_at").toInstant());
    }
}
