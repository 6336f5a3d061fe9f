package io.virtdeck.console;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Console tickets by the hash of their value; see V4__console_tickets.sql. */
@Repository
class ConsoleTicketRepository {

    record Stored(long guestId, String user, String sessionHash, Instant expiresAt, boolean used, ConsoleKind kind,
                  boolean force) {
    }

    private final JdbcClient jdbc;

    ConsoleTicketRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String ticketHash, long guestId, String user, String sessionHash, Instant expiresAt) {
        insert(ticketHash, guestId, user, sessionHash, expiresAt, ConsoleKind.VNC, false);
    }

    void insert(String ticketHash, long guestId, String user, String sessionHash, Instant expiresAt,
                ConsoleKind kind, boolean force) {
        jdbc.sql("""
                        INSERT INTO console_tickets (ticket_hash, guest_id, username, session_hash, expires_at, kind,
                                                     force)
                        VALUES (:hash, :guest, :user, :session, :expires, :kind, :force)""")
                .param("kind", kind.code()).param("force", force)
                .param("hash", ticketHash).param("guest", guestId).param("user", user)
                .param("session", sessionHash).param("expires", java.sql.Timestamp.from(expiresAt))
                .update();
    }

    Optional<Stored> find(String ticketHash) {
        return jdbc.sql("""
                        SELECT guest_id, username, session_hash, expires_at, used_at IS NOT NULL AS used, kind, force
                        FROM console_tickets WHERE ticket_hash = :hash""")
                .param("hash", ticketHash)
                .query((rs, n) -> new Stored(rs.getLong("guest_id"), rs.getString("username"),
                        rs.getString("session_hash"), rs.getTimestamp("expires_at").toInstant(),
                        rs.getBoolean("used"), ConsoleKind.of(rs.getString("kind")), rs.getBoolean("force")))
                .optional();
    }

    /** Marks the ticket used; false when another request used it first (so a ticket opens one console only). */
    boolean use(String ticketHash) {
        return jdbc.sql("UPDATE console_tickets SET used_at = now() WHERE ticket_hash = :hash AND used_at IS NULL")
                .param("hash", ticketHash).update() == 1;
    }

    /** Forgets tickets that expired a while ago; the audit trail keeps what was opened with them. */
    void deleteExpiredBefore(Instant before) {
        jdbc.sql("DELETE FROM console_tickets WHERE expires_at < :before")
                .param("before", java.sql.Timestamp.from(before)).update();
    }
}
