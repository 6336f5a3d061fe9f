package io.virtdeck.bulk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckProperties;

/**
 * How many guests bulk actions act on at once: in all, and on each host (virtdeck.bulk.*), over every bulk action
 * this instance runs, so that two bulk actions side by side do not double what one host takes.
 */
@Component
class BulkLimits {

    private final Semaphore overall;
    private final int perHost;
    private final Map<Long, Semaphore> hosts = new ConcurrentHashMap<>();

    BulkLimits(VirtdeckProperties properties) {
        this.overall = new Semaphore(properties.bulk().maxParallel());
        this.perHost = properties.bulk().maxParallelPerHost();
    }

    /** Takes a place for one guest's action on the host, without waiting; false when either limit is reached. */
    boolean tryAcquire(long hostId) {
        if (!overall.tryAcquire()) {
            return false;
        }
        if (!host(hostId).tryAcquire()) {
            overall.release();
            return false;
        }
        return true;
    }

    void release(long hostId) {
        host(hostId).release();
        overall.release();
    }

    private Semaphore host(long hostId) {
        return hosts.computeIfAbsent(hostId, id -> new Semaphore(perHost));
    }
}
