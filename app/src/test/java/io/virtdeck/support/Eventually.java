package io.virtdeck.support;

import java.time.Duration;

/** Waits for something the application does in the background, failing with what was last seen. */
public final class Eventually {

    private Eventually() {
    }

    /** What is looked at again and again; it may throw, which fails the wait at once. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    public static <T> T within(Duration limit, Probe<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = look(probe);
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
            last = look(probe);
        }
        return last;
    }

    private static <T> T look(Probe<T> probe) {
        try {
            return probe.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("the probe failed: " + e, e);
        }
    }
}
