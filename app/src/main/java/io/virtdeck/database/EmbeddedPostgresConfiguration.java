package io.virtdeck.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.virtdeck.VirtdeckProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * When no external database is configured (SPRING_DATASOURCE_URL unset), Virtdeck starts a real PostgreSQL of its own
 * from zonky's binaries, keeping its data under {@code VIRTDECK_DATA_DIR/postgres} across restarts.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatabase.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(VirtdeckProperties properties) throws IOException {
        Path dataDir = properties.dataDir().resolve("postgres");
        Files.createDirectories(dataDir);
        log.info("starting the embedded PostgreSQL with its data in {}", dataDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // stopped by Spring after the beans that use it (zonky's own JVM hook would stop it under them,
                // and leaving the host leases at shutdown would wait for a connection that never comes)
                .setRegisterShutdownHook(false)
                .start();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres,
                          @Value("${spring.datasource.hikari.connection-timeout}") long connectionTimeoutMillis) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(10);
        dataSource.setConnectionTimeout(connectionTimeoutMillis);
        dataSource.setValidationTimeout(Math.min(750, connectionTimeoutMillis - 1));
        return dataSource;
    }
}
