package io.virtdeck.inventory;

import java.time.Duration;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Remembers which domains Virtdeck itself just acted on, so that their lifecycle events are not reported as "changed
 * outside Virtdeck". One action can cause several events (shutdown: SHUTDOWN then STOPPED), hence a time window
 * rather than a count. Kept in PostgreSQL: the instance acting on a guest need not be the one that monitors its host
 * and receives the events.
 */
@Component
public class ExpectedGuestChanges {

    private static final Duration WINDOW = Duration.ofMinutes(2);

    private final JdbcClient jdbc;

    public ExpectedGuestChanges(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void expect(long hostId, UUID uuid) {
        jdbc.sql("""
                        INSERT INTO expected_guest_changes (host_id, uuid, expected_until)
                        VALUES (:host, :uuid, now() + :ms * interval '1 millisecond')
                        ON CONFLICT (host_id, uuid) DO UPDATE SET expected_until = excluded.expected_until""")
                .param("host", hostId).param("uuid", uuid).param("ms", WINDOW.toMillis()).update();
        jdbc.sql("DELETE FROM expected_guest_changes WHERE expected_until < now()").update();
    }

    public boolean isExpected(long hostId, UUID uuid) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM expected_guest_changes
                                       WHERE host_id = :host AND uuid = :uuid AND expected_until > now())""")
                .param("host", hostId).param("uuid", uuid).query(Boolean.class).single();
    }
}
