package io.virtdeck.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM holds at one moment, for benchmarks that state a cost per session: live heap after a full collection,
 * live threads, and resident memory as the kernel counts it (heap, thread stacks, direct buffers and all).
 *
 * @param heapUsed bytes of heap in use after {@link System#gc()}
 * @param threads live threads
 * @param rss resident set size in bytes ({@code VmRSS} of /proc/self/status), 0 where there is no /proc
 */
public record JvmFootprint(long heapUsed, int threads, long rss) {

    /** Collects garbage (twice: finalizable and weakly held objects need a second pass) and measures. */
    public static JvmFootprint measure() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime runtime = Runtime.getRuntime();
        return new JvmFootprint(runtime.totalMemory() - runtime.freeMemory(),
                ManagementFactory.getThreadMXBean().getThreadCount(), residentBytes());
    }

    private static long residentBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
