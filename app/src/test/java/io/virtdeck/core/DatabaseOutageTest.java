package io.virtdeck.core;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a database that cannot be reached is an outage (503, retried); a bad statement or a clash stays what it is. */
class DatabaseOutageTest {

    @Test
    void aPoolThatGetsNoConnectionOrAConnectionCutByTheServerIsAnOutage() {
        assertThat(DatabaseOutage.causedBy(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("request timed out after 1000ms")))).isTrue();
        // what pgjdbc says when pg_ctl stops the server under a session, however Spring translated it
        assertThat(DatabaseOutage.causedBy(new UncategorizedSQLException("update", "UPDATE tasks",
                new SQLException("terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new UncategorizedSQLException("select", "SELECT 1",
                new SQLException("An I/O error occurred while sending to the backend.", "08006")))).isTrue();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("work failed",
                new SQLTransientConnectionException("request timed out")))).isTrue();
    }

    @Test
    void statementsTheDatabaseRefusesAreNoOutage() {
        assertThat(DatabaseOutage.causedBy(new DuplicateKeyException("tasks_one_active"))).isFalse();
        assertThat(DatabaseOutage.causedBy(new BadSqlGrammarException("select", "SELEC 1",
                new SQLException("syntax error", "42601")))).isFalse();
        assertThat(DatabaseOutage.causedBy(new DataIntegrityViolationException("audit_events_outcome_check")))
                .isFalse();
        assertThat(DatabaseOutage.causedBy(new IllegalStateException("no cause"))).isFalse();
    }
}
