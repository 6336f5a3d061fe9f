package io.virtdeck.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application listening on a random port, for tests that need a real HTTP server: browsers and WebSocket
 * clients. Every class with this annotation shares one application context (and its database).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"virtdeck.admin-password=admin-test-pw", "virtdeck.demo.mode=off",
                "virtdeck.libvirt.reconnect-max-delay=5s"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
public @interface VirtdeckServerTest {
}
