package io.virtdeck.support;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * How the tests' {@code await()} polls, set once per test JVM (registered in META-INF/services): in the test's own
 * thread, because some conditions read thread-bound state (Spring Security's context set by the test), and at once,
 * then every 20 ms, because the conditions are cheap and a test should see the moment a state is reached.
 */
public final class AwaitilityDefaults implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.pollInSameThread();
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    }
}
