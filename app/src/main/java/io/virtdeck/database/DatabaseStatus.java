package io.virtdeck.database;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import io.virtdeck.core.DatabaseOutage;

/**
 * Whether PostgreSQL answers, as last seen: marked unreachable by the first failure that says so (a request, a lease
 * renewal), then asked once a second until it answers again. While it is unreachable, requests are answered at once
 * (503) rather than each waiting on the connection pool, and a stop does not wait on it either.
 */
@Component
public class DatabaseStatus {

    private static final Logger log = LoggerFactory.getLogger(DatabaseStatus.class);

    private final JdbcTemplate probe;
    private volatile long unreachableSinceNanos;
    private volatile boolean unreachable;

    DatabaseStatus(DataSource dataSource) {
        this.probe = new JdbcTemplate(dataSource);
        this.probe.setQueryTimeout(1);
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
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.SECONDS)
    public void probe() {
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
