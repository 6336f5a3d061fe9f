package io.virtdeck.security;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class UserAccountRepository {

    private final JdbcClient jdbc;

    public UserAccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> findByUsername(String username) {
        return jdbc.sql("SELECT id, username, password_hash, role, enabled FROM users WHERE username = :username")
                .param("username", username)
                .query((rs, n) -> new UserAccount(rs.getLong("id"), rs.getString("username"),
                        rs.getString("password_hash"), roleOrNull(rs.getString("role")), rs.getBoolean("enabled")))
                .optional();
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
}
