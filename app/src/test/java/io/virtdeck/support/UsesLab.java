package io.virtdeck.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class on the lab's real hosts, brought up by {@link Lab}. Tagged "lab": `mvn test` leaves it out, failsafe
 * runs it in `mvn verify` (app/pom.xml).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
@ExtendWith(Lab.class)
public @interface UsesLab {
}
