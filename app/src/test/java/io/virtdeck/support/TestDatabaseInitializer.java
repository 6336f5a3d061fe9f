package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Gives each test application context its own empty database and data directory. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase.Database database = TestDatabase.createDatabase();
        try {
            TestPropertyValues.of(
                    "spring.datasource.url=" + database.url(),
                    "spring.datasource.username=" + database.username(),
                    "spring.datasource.password=" + database.password(),
                    "virtdeck.data-dir=" + Files.createTempDirectory("virtdeck-test-data"))
                    .applyTo(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
