package io.virtdeck.console;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import io.virtdeck.cluster.PeerNotifications;

/**
 * The open consoles of every instance (table console_sessions): each instance writes its own, and any instance reads
 * those of the instances still running, and asks the one serving a session to close it ({@link #CLOSE_CHANNEL}).
 */
@Repository
class ConsoleSessionRepository {

    /** "{@code <session id> <who closes it>}": the instance serving the session closes it. */
    static final String CLOSE_CHANNEL = "virtdeck_console_close";

    private static final String OF_RUNNING_INSTANCES = """
            EXISTS (SELECT 1 FROM virtdeck_instances i WHERE i.id = s.instance_id AND i.alive_until > now())""";

    /** A session as the table has it, with the instance serving it. */
    record Row(ConsoleSession.View view, UUID instanceId) {
    }

    private final JdbcClient jdbc;

    ConsoleSessionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void opened(ConsoleSession.View session, UUID instanceId) {
        jdbc.sql("""
                        INSERT INTO console_sessions (id, instance_id, username, guest_id, guest_name, host_name,
                                                      opened_at, one_time_password, remote_address, kind)
                        VALUES (:id, :instance, :user, :guest, :guestName, :hostName, :openedAt, :otp, :remote,
                                :kind)""")
                .param("id", session.id()).param("instance", instanceId).param("user", session.user())
                .param("guest", session.guestId()).param("guestName", session.guestName())
                .param("hostName", session.hostName())
                .param("openedAt", java.sql.Timestamp.from(session.openedAt()))
                .param("otp", session.oneTimePassword()).param("remote", session.remoteAddress())
                .param("kind", session.kind()).update();
    }

    void closed(String id) {
        jdbc.sql("DELETE FROM console_sessions WHERE id = :id").param("id", id).update();
    }

    /**
     * Brings the byte counts of the instance's open sessions up to date, and forgets its rows of sessions no longer
     * open (a close the database missed).
     */
    void counted(UUID instanceId, Collection<ConsoleSession.View> sessions) {
        // a few seconds' grace: a session being opened now may not be among those given yet
        jdbc.sql("DELETE FROM console_sessions WHERE instance_id = :instance AND NOT (id = ANY(:open))"
                        + " AND opened_at < now() - interval '10 seconds'")
                .param("instance", instanceId)
                .param("open", sessions.stream().map(ConsoleSession.View::id).toArray(String[]::new)).update();
        for (ConsoleSession.View session : sessions) {
            jdbc.sql("UPDATE console_sessions SET bytes_to_browser = :to, bytes_from_browser = :from WHERE id = :id")
                    .param("to", session.bytesToBrowser()).param("from", session.bytesFromBrowser())
                    .param("id", session.id()).update();
        }
    }

    /** Deletes the rows of instances that have stopped (their sessions ended with them). */
    void forgetStoppedInstances() {
        jdbc.sql("DELETE FROM console_sessions s WHERE NOT " + OF_RUNNING_INSTANCES).update();
    }

    /** The sessions open on running instances, oldest first. */
    List<Row> everywhere() {
        return jdbc.sql("""
                        SELECT s.*, i.name AS instance_name FROM console_sessions s
                        JOIN virtdeck_instances i ON i.id = s.instance_id
                        WHERE i.alive_until > now() ORDER BY s.opened_at""")
                .query(ConsoleSessionRepository::row).list();
    }

    Optional<Row> find(String id) {
        return jdbc.sql("""
                        SELECT s.*, i.name AS instance_name FROM console_sessions s
                        JOIN virtdeck_instances i ON i.id = s.instance_id
                        WHERE s.id = :id AND i.alive_until > now()""")
                .param("id", id).query(ConsoleSessionRepository::row).optional();
    }

    /** Asks every instance to close the session; the one serving it does. */
    void askToClose(String id, String by) {
        PeerNotifications.send(jdbc, CLOSE_CHANNEL, id + " " + by);
    }

    private static Row row(ResultSet rs, int row) throws SQLException {
        return new Row(new ConsoleSession.View(rs.getString("id"), rs.getString("username"), rs.getLong("guest_id"),
                rs.getString("guest_name"), rs.getString("host_name"), rs.getTimestamp("opened_at").toInstant(),
                rs.getLong("bytes_to_browser"), rs.getLong("bytes_from_browser"), rs.getBoolean("one_time_password"),
                rs.getString("remote_address"), rs.getString("instance_name"), rs.getString("kind")),
                rs.getObject("instance_id", UUID.class));
    }
}
