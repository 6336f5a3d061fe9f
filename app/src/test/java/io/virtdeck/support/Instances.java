package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.virtdeck.VirtdeckApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several whole Virtdeck instances in the test's JVM on one database, each on a port of its own, as a deployment of
 * several instances behind a load balancer runs them (README: Several instances). {@link #close()} stops those still
 * running.
 */
public final class Instances implements AutoCloseable {

    private final TestDatabase.Database database;
    private final Duration leaseRenewal;
    private final Duration leaseExpiry;
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    public Instances(Duration leaseRenewal, Duration leaseExpiry) {
        this(TestDatabase.createDatabase(), leaseRenewal, leaseExpiry);
    }

    /** Instances on a database of the test's choosing (one it stops and starts: {@link StoppableDatabase}). */
    public Instances(TestDatabase.Database database, Duration leaseRenewal, Duration leaseExpiry) {
        this.database = database;
        this.leaseRenewal = leaseRenewal;
        this.leaseExpiry = leaseExpiry;
    }

    /** One more instance on the shared database, with {@code settings} ("--name=value") added to the common ones. */
    public ConfigurableApplicationContext start(String... settings) {
        try {
            // as command-line arguments: they win over application.yml, as a deployment's settings would
            List<String> arguments = new ArrayList<>(List.of(
                    "--server.port=0",
                    "--spring.datasource.url=" + database.url(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password(),
                    "--virtdeck.data-dir=" + Files.createTempDirectory("virtdeck-instance"),
                    "--virtdeck.admin-password=" + Api.ADMIN_PASSWORD,
                    "--virtdeck.demo.mode=off",
                    "--virtdeck.instances.lease-renewal=" + leaseRenewal.toMillis() + "ms",
                    "--virtdeck.instances.lease-expiry=" + leaseExpiry.toMillis() + "ms"));
            arguments.addAll(List.of(settings));
            ConfigurableApplicationContext context = new SpringApplicationBuilder(VirtdeckApplication.class)
                    .run(arguments.toArray(String[]::new));
            started.add(context);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a host through the instance's REST API, as the admin; returns its id. */
    public static long registerHost(ConfigurableApplicationContext instance, String name, String uri)
            throws Exception {
        HttpResponse<String> response = send(instance, HttpRequest.newBuilder(uri(instance, "/api/v1/hosts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"uri\":\"" + uri + "\"}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return instance.getBean(JdbcClient.class).sql("SELECT id FROM hosts WHERE name = :name").param("name", name)
                .query(Long.class).single();
    }

    /** Sends a request to the instance as the admin (HTTP Basic). */
    public static HttpResponse<String> send(ConfigurableApplicationContext instance, HttpRequest.Builder request)
            throws Exception {
        String basic = Base64.getEncoder().encodeToString((Api.ADMIN + ":" + Api.ADMIN_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(request.header("Authorization", "Basic " + basic).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static int port(ConfigurableApplicationContext instance) {
        return ((WebServerApplicationContext) instance).getWebServer().getPort();
    }

    public static URI uri(ConfigurableApplicationContext instance, String path) {
        return URI.create("http://localhost:" + port(instance) + path);
    }

    @Override
    public void close() {
        started.forEach(ConfigurableApplicationContext::close);
    }

    /** The id of the host once an instance has it CONNECTED (the instances find their hosts by themselves). */
    public static long connectedHostId(JdbcClient jdbc, String name) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                        "SELECT id FROM hosts WHERE name = :name AND state = 'CONNECTED'").param("name", name)
                .query(Long.class).optional().orElse(0L), id -> id > 0);
    }

    /** Calls an instance's service as an administrator, as a request of one would. */
    public static <T> T asAdmin(java.util.function.Supplier<T> work) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            return work.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
