package io.virtdeck.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test class that drives Chromium ({@link Browser}). Tagged "browser": `mvn test` leaves it out, failsafe runs it in
 * `mvn verify` (app/pom.xml).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("browser")
public @interface UsesBrowser {
}
