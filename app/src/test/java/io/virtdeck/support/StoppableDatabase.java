package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of one test's own, which the test stops and starts again (as a restart or a failover does) on
 * the same port and data: the shared server of {@link TestDatabase} must never go away under other tests.
 */
public final class StoppableDatabase implements AutoCloseable {

    private static final String NAME = "virtdeck";

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    public StoppableDatabase() {
        try {
            dataDirectory = Files.createTempDirectory("virtdeck-stoppable-pg");
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
        try (Connection connection = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"),
                "postgres", ""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + NAME);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database: " + e.getMessage(), e);
        }
    }

    public TestDatabase.Database database() {
        return new TestDatabase.Database("jdbc:postgresql://localhost:" + port + "/" + NAME, "postgres", "");
    }

    /** Starts the server on its port and data (again). */
    public synchronized void start() {
        try {
            server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setPort(port).setRegisterShutdownHook(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (pg_ctl stop, fast: sessions are cut), keeping its data. */
    public synchronized void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = null;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            stop();
        }
    }
}
