package io.virtdeck.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.core.Role;

@Repository
class ApiTokenRepository {

    private final JdbcClient jdbc;

    ApiTokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What authenticating a request needs: the token and its user as they are now. */
    record Holder(long tokenId, Role tokenRole, Instant expiresAt, boolean revoked, Instant lastUsedAt,
                  String username, Role userRole, boolean userEnabled) {
    }

    long insert(long userId, String name, String secretSha256, Role role, Instant expiresAt) {
        return jdbc.sql("""
                        INSERT INTO api_tokens (user_id, name, secret_sha256, role, expires_at)
                        VALUES (:user, :name, :hash, :role, :expires) RETURNING id""")
                .param("user", userId).param("name", name).param("hash", secretSha256).param("role", role.name())
                .param("expires", Timestamp.from(expiresAt))
                .query(Long.class).single();
    }

    List<ApiToken> findByUser(long userId) {
        return jdbc.sql("SELECT * FROM api_tokens WHERE user_id = :user ORDER BY created_at DESC, id DESC")
                .param("user", userId).query(ApiTokenRepository::token).list();
    }

    Optional<ApiToken> find(long userId, long id) {
        return jdbc.sql("SELECT * FROM api_tokens WHERE user_id = :user AND id = :id")
                .param("user", userId).param("id", id).query(ApiTokenRepository::token).optional();
    }

    Optional<Holder> findBySecret(String secretSha256) {
        return jdbc.sql("""
                        SELECT t.id, t.role, t.expires_at, t.revoked_at, t.last_used_at, u.username, u.role AS user_role,
                               u.enabled
                        FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_sha256 = :hash""")
                .param("hash", secretSha256)
                .query((rs, n) -> new Holder(rs.getLong("id"), Role.valueOf(rs.getString("role")),
                        instant(rs, "expires_at"), rs.getTimestamp("revoked_at") != null, instant(rs, "last_used_at"),
                        rs.getString("username"), Role.valueOf(rs.getString("user_role")), rs.getBoolean("enabled")))
                .optional();
    }

    boolean revoke(long userId, long id) {
        return jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE user_id = :user AND id = :id "
                        + "AND revoked_at IS NULL")
                .param("user", userId).param("id", id).update() == 1;
    }

    void recordUse(long id, String address) {
        jdbc.sql("UPDATE api_tokens SET last_used_at = now(), last_used_from = :address WHERE id = :id")
                .param("address", address).param("id", id).update();
    }

    private static ApiToken token(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"),
                instant(rs, "last_used_at"), rs.getString("last_used_from"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
