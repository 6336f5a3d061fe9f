package io.virtdeck.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens while the database is unreachable is audited once it is back, in order and with the time it happened;
 * a stop before then leaves it on disk for the next start (docs/reliability.md, "When PostgreSQL goes away").
 */
@VirtdeckIntegrationTest
class AuditLogOutageTest {

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dataDir;

    @Test
    void entriesKeptThroughAnOutageAndAStopAreWrittenAtTheNextStartWithTheirTimeAndText() throws Exception {
        // nothing listens on port 1: every statement fails as with a stopped server
        AuditLog away = new AuditLog(JdbcClient.create(
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/virtdeck", "postgres", "")), dataDir);
        Instant before = Instant.now();
        away.recordAs("olga", AuditAction.CONSOLE_CLOSE, AuditObject.guest(41, "web \"1\"\nsecond line"),
                Outcome.SUCCESS, "after 12 s; 3 MiB to the browser, 1 KiB from it");
        away.recordAs("olga", AuditAction.GUEST_MIGRATE, AuditObject.guest(41, "web \"1\"\nsecond line"),
                Outcome.FAILURE, null);
        assertThat(away.pending()).isEqualTo(2);
        away.writePending(); // still away: kept
        assertThat(away.pending()).isEqualTo(2);
        away.stop();
        assertThat(dataDir.resolve("audit-pending.txt")).exists();

        AuditLog back = new AuditLog(jdbc, dataDir);
        assertThat(back.pending()).isEqualTo(2);
        back.writePending();

        assertThat(back.pending()).isZero();
        assertThat(Files.exists(dataDir.resolve("audit-pending.txt"))).as("gone once written").isFalse();
        List<Map<String, Object>> rows = jdbc.sql("""
                        SELECT at, username, action, object_id, object_name, outcome, detail FROM audit_events
                        WHERE object_id = '41' ORDER BY id""").query().listOfRows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("username", "olga").containsEntry("action", "console.close")
                .containsEntry("object_name", "web \"1\"\nsecond line").containsEntry("outcome", "SUCCESS")
                .containsEntry("detail", "after 12 s; 3 MiB to the browser, 1 KiB from it");
        assertThat(rows.get(1)).containsEntry("action", "guest.migrate").containsEntry("outcome", "FAILURE")
                .containsEntry("detail", null);
        Instant at = ((Timestamp) rows.get(0).get("at")).toInstant();
        assertThat(at).as("the time it happened, not the time it was written")
                .isBetween(before.minusMillis(1), before.plusSeconds(5));
        assertThat(((Timestamp) rows.get(1).get("at")).toInstant()).isAfterOrEqualTo(at);
    }
}
