package io.virtdeck.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for something the application does in the background, failing with what was last seen. */
public final class Eventually {

    private Eventually() {
    }

    public static <T> T within(Duration limit, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + limit.toMillis() + " ms; last seen: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            last = probe.get();
        }
        return last;
    }
}
