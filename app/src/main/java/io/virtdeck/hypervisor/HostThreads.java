package io.virtdeck.hypervisor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads every {@link HostConnection} shares: {@code timers} open connections and time reconnects, {@code calls}
 * carry libvirt calls (as many as run at once across the fleet, each connection bounding its own in flight).
 */
record HostThreads(ScheduledExecutorService timers, ExecutorService calls) {
}
