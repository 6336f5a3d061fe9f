package io.virtdeck.database;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.virtdeck.VirtdeckProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/** With no external database configured, Virtdeck's own PostgreSQL keeps its data in the data directory. */
class EmbeddedPostgresConfigurationTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestart() throws Exception {
        EmbeddedPostgresConfiguration configuration = new EmbeddedPostgresConfiguration();
        VirtdeckProperties properties = new VirtdeckProperties(dataDir, "", "", Duration.ofSeconds(30), 100,
                new VirtdeckProperties.Demo("off", "", 0, 50), new VirtdeckProperties.Bulk(16, 4));

        try (EmbeddedPostgres first = configuration.embeddedPostgres(properties);
             HikariDataSource dataSource = (HikariDataSource) configuration.dataSource(first, 1000)) {
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("CREATE TABLE kept (note TEXT)").update();
            jdbc.sql("INSERT INTO kept VALUES ('still here')").update();
        }

        try (EmbeddedPostgres second = configuration.embeddedPostgres(properties);
             HikariDataSource dataSource = (HikariDataSource) configuration.dataSource(second, 1000)) {
            assertThat(JdbcClient.create((DataSource) dataSource).sql("SELECT note FROM kept")
                    .query(String.class).single()).isEqualTo("still here");
        }
        assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).exists();
    }
}
