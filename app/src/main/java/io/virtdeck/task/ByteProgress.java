package io.virtdeck.task;

import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A byte count fed into a task: percent of the whole and a message, written at most twice a second (each is a row
 * update) and at the end. A cancel asked for meanwhile is thrown as {@link TaskCancelledException}, which aborts the
 * libvirt stream that is counting.
 */
public final class ByteProgress implements LongConsumer {

    private static final long INTERVAL_NANOS = 500_000_000L;

    private final TaskProgress task;
    private final long total;
    private final String verb;
    private long lastReport = System.nanoTime();

    /** {@code verb}: what the message says of the bytes, e.g. "Uploaded". */
    public ByteProgress(TaskProgress task, long total, String verb) {
        this.task = task;
        this.total = total;
        this.verb = verb;
    }

    @Override
    public void accept(long bytes) {
        long now = System.nanoTime();
        if (bytes < total && now - lastReport < INTERVAL_NANOS) {
            return;
        }
        lastReport = now;
        if (task.cancelRequested()) {
            throw new TaskCancelledException("Cancelled after " + mib(bytes) + " of " + mib(total) + ".");
        }
        task.update((int) (bytes * 100 / Math.max(total, 1)), verb + " " + mib(bytes) + " of " + mib(total));
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
