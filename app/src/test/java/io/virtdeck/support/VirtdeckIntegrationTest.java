package io.virtdeck.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a real PostgreSQL (a database of its own) and real libvirt (the test driver in-process),
 * driven through MockMvc. Every class with this annotation shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// reconnects within 5 s: a lab test class may find the lab hosts just brought up again after another took them down
@SpringBootTest(properties = {"virtdeck.admin-password=admin-test-pw", "virtdeck.demo.mode=off",
        "virtdeck.libvirt.reconnect-max-delay=5s",
        // alert deliveries looked for and retried within a second or so, for tests that wait on them
        "virtdeck.alerts.delivery.poll=200ms", "virtdeck.alerts.delivery.first-retry=300ms",
        "virtdeck.alerts.delivery.max-retry=2s", "virtdeck.alerts.delivery.timeout=3s",
        "virtdeck.alerts.delivery.test-timeout=3s",
        // alert rules checked every second, for tests that wait on a rule's messages
        "virtdeck.alerts.rules.interval=1s"})
@AutoConfigureMockMvc
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
public @interface VirtdeckIntegrationTest {
}
