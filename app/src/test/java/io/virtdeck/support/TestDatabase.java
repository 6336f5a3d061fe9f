package io.virtdeck.support;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.boot.SpringApplication;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real PostgreSQL the tests run on, one server per test JVM: the URL in VIRTDECK_TEST_DATABASE_URL when given,
 * else a Testcontainers PostgreSQL when Docker is there, else an embedded PostgreSQL. Each Spring context gets a
 * database of its own on that server, so contexts never see each other's rows.
 */
public final class TestDatabase {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Server server;

    private TestDatabase() {
    }

    /** Where a new, empty database was created. */
    public record Database(String url, String username, String password) {
    }

    private record Server(String baseUrl, String username, String password) {

        String url(String database) {
            int params = baseUrl.indexOf('?');
            String withoutParams = params < 0 ? baseUrl : baseUrl.substring(0, params);
            String prefix = withoutParams.substring(0, withoutParams.lastIndexOf('/') + 1);
            return prefix + database + (params < 0 ? "" : baseUrl.substring(params));
        }
    }

    public static synchronized Database createDatabase() {
        if (server == null) {
            server = startServer();
        }
        String name = "virtdeck_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(server.baseUrl(), server.username(),
                server.password()); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name + ": " + e.getMessage(), e);
        }
        return new Database(server.url(name), server.username(), server.password());
    }

    private static Server startServer() {
        String external = System.getenv("VIRTDECK_TEST_DATABASE_URL");
        if (external != null && !external.isBlank()) {
            return new Server(external, System.getenv().getOrDefault("VIRTDECK_TEST_DATABASE_USERNAME", "postgres"),
                    System.getenv().getOrDefault("VIRTDECK_TEST_DATABASE_PASSWORD", ""));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Files.createTempDirectory("virtdeck-test-pg"))
                    .setRegisterShutdownHook(false) // stopped below, after the contexts
                    .start();
            // stopped after Spring has closed the test contexts (a JVM shutdown hook of its own would race them: a
            // context leaving its host leases would then wait out the pool's connection timeout on a stopped server)
            SpringApplication.getShutdownHandlers().add(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the temp directory goes with the machine's cleanup
                }
            });
            return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start an embedded PostgreSQL for the tests: " + e.getMessage(), e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
