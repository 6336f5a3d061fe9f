package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Virtdeck as a process of its own, started from the jar the build packages (app/target/virtdeck.jar) on a database
 * of its own, for faults a test cannot make on its own JVM: {@code kill -9}. Its leases expire within seconds of a
 * kill, so that a restart finds the work it left at once. Its output goes to a log file the failures point to.
 */
public final class VirtdeckProcess implements AutoCloseable {

    private static final Path JAR = Lab.repoRoot().resolve("app/target/virtdeck.jar");

    private final TestDatabase.Database database = TestDatabase.createDatabase();
    private final Path dataDir;
    private final Path log;
    private Process process;
    private int port;

    public VirtdeckProcess() {
        try {
            dataDir = Files.createTempDirectory("virtdeck-process");
            log = dataDir.resolve("virtdeck.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it (again, after a kill: a new instance on the same database and data directory), once it answers. */
    public VirtdeckProcess start() {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR + " is missing: `mvn verify` packages it before the lab tests run");
        }
        port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString(),
                "--server.port=" + port,
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--virtdeck.data-dir=" + dataDir,
                "--virtdeck.admin-password=" + Api.ADMIN_PASSWORD,
                "--virtdeck.demo.mode=off",
                "--virtdeck.instances.lease-renewal=1s",
                "--virtdeck.instances.lease-expiry=3s",
                "--virtdeck.libvirt.reconnect-max-delay=5s"));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + JAR + ": " + e.getMessage(), e);
        }
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Virtdeck exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return this;
            } catch (IOException e) {
                sleep(250); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while Virtdeck started", e);
            }
        }
        throw new AssertionError("Virtdeck did not answer within 2 minutes; see " + log);
    }

    /** {@code kill -9}: no shutdown hook, no finally block, no last word to the database. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("Virtdeck outlived kill -9 by 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the killed Virtdeck", e);
        }
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public AdminApi api() {
        return new AdminApi(port);
    }

    /** Its database, as the test reads it beside Virtdeck: one connection, quick enough to poll in a tight loop. */
    public JdbcClient database() {
        return JdbcClient.create(new SingleConnectionDataSource(database.url(), database.username(),
                database.password(), true));
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
