package io.virtdeck.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.core.Role;

@Repository
public class UserAccountRepository {

    private static final String COLUMNS = "id, username, password_hash, role, enabled, created_at";

    private final JdbcClient jdbc;

    public UserAccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> findByUsername(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE username = :username")
                .param("username", username)
                .query(UserAccountRepository::account)
                .optional();
    }

    public Optional<UserAccount> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id").param("id", id)
                .query(UserAccountRepository::account).optional();
    }

    public List<UserAccount> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM users ORDER BY lower(username)")
                .query(UserAccountRepository::account).list();
    }

    // NULL: no role on '/', only what grants give (V14)
    private static Role roleOrNull(String role) {
        return role == null ? null : Role.valueOf(role);
    }

    /** Creates the user unless one of that name exists; true when created. A null role: grants only. */
    public boolean createIfAbsent(String username, String passwordHash, Role role) {
        return jdbc.sql("""
                        INSERT INTO users (username, password_hash, role) VALUES (:username, :hash, :role)
                        ON CONFLICT (username) DO NOTHING""")
                .param("username", username)
                .param("hash", passwordHash)
                .param("role", role == null ? null : role.name())
                .update() == 1;
    }

    /**
     * The enabled admins, their rows locked until the transaction ends: two admins demoting each other at once
     * cannot both see the other as the one who remains.
     */
    public List<Long> lockEnabledAdmins() {
        return jdbc.sql("SELECT id FROM users WHERE role = 'ADMIN' AND enabled ORDER BY id FOR UPDATE")
                .query(Long.class).list();
    }

    public void update(long id, Role role, boolean enabled) {
        jdbc.sql("UPDATE users SET role = :role, enabled = :enabled WHERE id = :id")
                .param("role", role.name()).param("enabled", enabled).param("id", id).update();
    }

    public void updatePasswordHash(long id, String passwordHash) {
        jdbc.sql("UPDATE users SET password_hash = :hash WHERE id = :id")
                .param("hash", passwordHash).param("id", id).update();
    }

    private static UserAccount account(ResultSet rs, int row) throws SQLException {
        return new UserAccount(rs.getLong("id"), rs.getString("username"), rs.getString("password_hash"),
                roleOrNull(rs.getString("role")), rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant());
    }
}
