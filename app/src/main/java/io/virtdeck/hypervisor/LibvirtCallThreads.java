package io.virtdeck.hypervisor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that carry libvirt calls, shared by every host: as many as calls run at once across the fleet, idle
 * ones ending after a minute. A pool per host kept its threads for good (four per host: 4,000 threads at 1,000
 * hosts); each {@link HostConnection} still bounds its own calls in flight.
 */
final class LibvirtCallThreads {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExecutorService THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "libvirt-call-" + COUNTER.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    private LibvirtCallThreads() {
    }

    static ExecutorService shared() {
        return THREADS;
    }
}
