package io.virtdeck.hypervisor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's lifecycle events, handled in their order and one at a time on the shared event threads. Handling an
 * event may call the host back (and wait up to the call timeout when its libvirtd stalls): a queue per host keeps
 * that wait to the host's own events, where one thread for every host held up the whole fleet's.
 */
final class HostEventQueue implements Executor {

    private static final Logger log = LoggerFactory.getLogger(HostEventQueue.class);

    private final long hostId;
    private final Executor threads;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    HostEventQueue(long hostId, Executor threads) {
        this.hostId = hostId;
        this.threads = threads;
    }

    @Override
    public void execute(Runnable event) {
        events.add(event);
        drainSoon();
    }

    private void drainSoon() {
        if (draining.compareAndSet(false, true)) {
            threads.execute(this::drain);
        }
    }

    private void drain() {
        try {
            for (Runnable event = events.poll(); event != null; event = events.poll()) {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    log.warn("host {}: handling a lifecycle event failed: {}", hostId, e.getMessage());
                }
            }
        } finally {
            draining.set(false);
            if (!events.isEmpty()) {
                drainSoon(); // added between the last poll and the flag's release
            }
        }
    }
}
