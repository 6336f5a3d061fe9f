package io.virtdeck.core;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * Tells a failure because PostgreSQL cannot be reached (stopped, restarting, failing over, cut off) from every other
 * failure: only the first is answered as a short pause (503) and retried, never as a 500 or a refusal of the input.
 */
public final class DatabaseOutage {

    /** What a person reads while the database is unreachable, on a page or in the API's error. */
    public static final String MESSAGE = "Virtdeck's database (PostgreSQL) is unreachable;"
            + " Virtdeck answers again as soon as it is back: try again in a few seconds.";

    private DatabaseOutage() {
    }

    /** Whether {@code failure} (or one of its causes) says the database cannot be reached now. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessResourceException
                    || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            // 08: connection exceptions; 57P01-57P03: the server is shutting down or starting up
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
