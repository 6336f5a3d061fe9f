package io.virtdeck.audit;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import io.virtdeck.audit.AuditEntry.Outcome;
import io.virtdeck.core.CurrentUser;
import io.virtdeck.core.DatabaseOutage;

/**
 * Writes the append-only record of who did what to which object and what came of it (changing actions through
 * {@code action.ActionRunner}, which audits refusals too). Actions are recorded under the
 * acting user; system events (a host lost or back, a guest changed outside Virtdeck) under {@code system}.
 * <p>
 * What happened while PostgreSQL was unreachable (work that was under way, a console closed) is kept in memory, in
 * order and with the time it happened, and written as soon as the database answers again: nothing done goes
 * unaudited because the database was away at that moment. A stop before it is back leaves them in
 * {@code VIRTDECK_DATA_DIR/audit-pending.txt}, written at the next start.
 */
@Service
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int DETAIL_LIMIT = 4000;
    /** A bound on what waits in memory; past it, entries go to the log alone (an outage of hours at full load). */
    private static final int PENDING_LIMIT = 100_000;

    private final JdbcClient jdbc;
    private final Path leftAtStop;
    // the file's entries are in memory: it goes once they are all written
    private volatile boolean readFromDisk;
    // guarded by itself; the oldest first
    private final Deque<Pending> pending = new ArrayDeque<>();

    public AuditLog(JdbcClient jdbc, @Value("${virtdeck.data-dir}") Path dataDir) {
        this.jdbc = jdbc;
        this.leftAtStop = dataDir.resolve("audit-pending.txt");
        pending.addAll(readLeftAtStop());
    }

    private record Pending(Instant at, String user, String action, String type, String id, String name,
                           String outcome, String detail) {

        /** One line: each field URL-encoded ("-" for none), so that no text can break the line or the fields. */
        String line() {
            return String.join(" ", Arrays.stream(new String[] {at.toString(), user, action, type, id, name, outcome,
                    detail}).map(field -> field == null ? "-" : URLEncoder.encode(field, StandardCharsets.UTF_8))
                    .toList());
        }

        static Pending of(String line) {
            String[] f = Arrays.stream(line.split(" ", -1)).map(field -> field.equals("-") ? null
                    : URLDecoder.decode(field, StandardCharsets.UTF_8)).toArray(String[]::new);
            return new Pending(Instant.parse(f[0]), f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
        }
    }

    public void record(AuditAction action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        recordAs(CurrentUser.name(), action, object, outcome, detail);
    }

    /** Records under a named user, for work on threads that carry no login (a console's WebSocket). */
    public void recordAs(String user, AuditAction action, AuditObject object, AuditEntry.Outcome outcome, String detail) {
        Pending entry = new Pending(Instant.now(), user, action.code(), object.type(), object.id(), object.name(),
                outcome.name(), detail == null || detail.length() <= DETAIL_LIMIT ? detail
                : detail.substring(0, DETAIL_LIMIT));
        synchronized (pending) {
            if (!pending.isEmpty()) {
                keep(entry); // after those still waiting, in order
                return;
            }
        }
        try {
            insert(entry, false);
        } catch (DataAccessException e) {
            if (!DatabaseOutage.causedBy(e)) {
                throw e;
            }
            synchronized (pending) {
                keep(entry);
            }
            log.warn("audit entry kept until the database is back ({} {} '{}' by {}): {}", entry.action(),
                    entry.type(), entry.name(), entry.user(), e.getMessage());
        }
    }

    /** Records a system event: something Virtdeck saw happen, not something a person asked for. */
    public void event(AuditAction action, AuditObject object, String detail) {
        record(action, object, AuditEntry.Outcome.INFO, detail);
    }

    /** How many entries wait for the database. */
    public int pending() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /**
     * Writes what waited for the database, oldest first, each with the time it happened; stops at a failure. One
     * writer at a time (the schedule, a stop), so that none is written twice.
     */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.SECONDS)
    public synchronized void writePending() {
        int written = 0;
        while (true) {
            Pending next;
            synchronized (pending) {
                next = pending.peekFirst();
            }
            if (next == null) {
                break;
            }
            try {
                insert(next, true);
            } catch (DataAccessException e) {
                if (DatabaseOutage.causedBy(e)) {
                    break;
                }
                log.error("audit entry cannot be written, only logged: {} ({})", next, e.getMessage());
            }
            synchronized (pending) {
                pending.pollFirst();
            }
            written++;
        }
        if (written > 0) {
            log.info("wrote {} audit entries kept while the database was unreachable", written);
        }
        if (readFromDisk && pending() == 0) {
            try {
                Files.deleteIfExists(leftAtStop);
                readFromDisk = false;
            } catch (IOException e) {
                log.warn("cannot delete {} (its entries are written): {}", leftAtStop, e.getMessage());
            }
        }
    }

    /** At a stop: one last try; what still cannot be written is kept on disk for the next start. */
    @PreDestroy
    void stop() {
        writePending();
        synchronized (pending) {
            if (pending.isEmpty()) {
                return;
            }
            List<String> lines = pending.stream().map(Pending::line).toList();
            try {
                Files.createDirectories(leftAtStop.getParent());
                Files.write(leftAtStop, lines, StandardCharsets.UTF_8);
                log.warn("{} audit entries wait for the database in {}; the next start writes them", lines.size(),
                        leftAtStop);
            } catch (IOException e) {
                pending.forEach(entry -> log.error("audit entry never written (no database, no disk): {}", entry));
            }
            pending.clear();
        }
    }

    /** What a stop left on disk, oldest first; the file is gone once they are in memory again. */
    private List<Pending> readLeftAtStop() {
        if (!Files.exists(leftAtStop)) {
            return List.of();
        }
        try {
            List<Pending> entries = new ArrayList<>();
            for (String line : Files.readAllLines(leftAtStop, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    entries.add(Pending.of(line));
                }
            }
            readFromDisk = true;
            log.info("{} audit entries left by a stop while the database was unreachable are written now",
                    entries.size());
            return entries;
        } catch (IOException | RuntimeException e) {
            log.error("the audit entries left at the last stop in {} cannot be read; the file stays for a person to"
                    + " look at: {}", leftAtStop, e.getMessage());
            return List.of();
        }
    }

    private void keep(Pending entry) {
        if (pending.size() >= PENDING_LIMIT) {
            log.error("audit entry not kept (too many wait for the database), only logged: {}", entry);
            return;
        }
        pending.addLast(entry);
    }

    private void insert(Pending entry, boolean late) {
        jdbc.sql("""
                        INSERT INTO audit_events (at, username, action, object_type, object_id, object_name, outcome,
                                                  detail)
                        VALUES (CASE WHEN :late THEN :at ELSE now() END, :user, :action, :type, :id, :name, :outcome,
                                :detail)""")
                .param("late", late)
                .param("at", Timestamp.from(entry.at()))
                .param("user", entry.user())
                .param("action", entry.action())
                .param("type", entry.type())
                .param("id", entry.id())
                .param("name", entry.name())
                .param("outcome", entry.outcome())
                .param("detail", entry.detail())
                .update();
    }
}
