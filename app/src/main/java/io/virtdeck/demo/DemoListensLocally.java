package io.virtdeck.demo;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The simulated demo has well-known users: it listens on 127.0.0.1 only, unless server.address was chosen on purpose.
 */
public class DemoListensLocally implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean simulated = "simulated".equalsIgnoreCase(environment.getProperty("virtdeck.demo.mode", "off"));
        if (simulated && !environment.containsProperty("server.address")) {
            environment.getPropertySources().addLast(
                    new MapPropertySource("virtdeck-demo", Map.of("server.address", "127.0.0.1")));
        }
    }
}
