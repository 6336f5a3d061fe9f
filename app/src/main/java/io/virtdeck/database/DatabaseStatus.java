package io.virtdeck.database;

import java.time.Duration;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import io.virtdeck.ThreadPools;
import io.virtdeck.core.DatabaseOutage;

/**
 * Whether PostgreSQL answers, as last seen: marked unreachable by the first failure that says so (a request, a lease
 * renewal), then asked twice a second until it answers again. While it is unreachable, requests are answered at once
 * (503) rather than each waiting on the connection pool, and a stop does not wait on it either.
 */
@Component
public class DatabaseStatus {

    private static final Logger log = LoggerFactory.getLogger(DatabaseStatus.class);
    private static final Duration PROBE_EVERY = Duration.ofMillis(500);

    private final JdbcTemplate probe;
    private volatile long unreachableSinceNanos;
    private volatile boolean unreachable;

    DatabaseStatus(DataSource dataSource, @Qualifier(ThreadPools.DATABASE_PROBE) ThreadPoolTaskScheduler prober) {
        this.probe = new JdbcTemplate(dataSource);
        this.probe.setQueryTimeout(1);
        prober.scheduleWithFixedDelay(this::probe, PROBE_EVERY);
    }

    public boolean reachable() {
        return !unreachable;
    }

    /** Notes a failure; true when it says the database is unreachable (the status then says so until it answers). */
    public boolean failed(Throwable failure) {
        if (!DatabaseOutage.causedBy(failure)) {
            return false;
        }
        synchronized (this) {
            if (!unreachable) {
                unreachableSinceNanos = System.nanoTime();
                unreachable = true;
                log.warn("the database is unreachable; requests are answered 503 until it is back: {}",
                        failure.getMessage());
            }
        }
        return true;
    }

    /** Asks the database while it is marked unreachable; marks it reachable once it answers. */
    void probe() {
        if (!unreachable) {
            return;
        }
        try {
            probe.queryForObject("SELECT 1", Integer.class);
        } catch (DataAccessException e) {
            return;
        }
        synchronized (this) {
            if (unreachable) {
                unreachable = false;
                log.info("the database answers again, after {} s",
                        Duration.ofNanos(System.nanoTime() - unreachableSinceNanos).toSeconds());
            }
        }
    }
}
