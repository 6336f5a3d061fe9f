package io.virtdeck;

import io.virtdeck.metrics.MetricsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Virtdeck's own thread pools, one per kind of work, their threads named after it; Spring Boot measures each at
 * /actuator/prometheus ({@code executor_*{name="<pool>"}}, ExecutorServiceMetrics). They are injected by name: none
 * is a default candidate, so Boot's own applicationTaskExecutor, and the taskScheduler that runs {@code @Scheduled}
 * methods, stay.
 * <p>
 * Their threads are daemons, and a pool stops when the beans using it have stopped (HostLeases stops its own first)
 * rather than when the context starts closing, which would wait for the work running: running work is interrupted
 * then, and work blocked in a libvirt call that ignores interrupts is left behind, so that no stop waits for a hung
 * host.
 */
@Configuration(proxyBeanMethods = false)
public class ThreadPools {

    /** Tasks' work (task/TaskService), four at a time; more wait in the queue. */
    public static final String TASK_WORKERS = "taskWorkers";
    /**
     * The guests' actions of bulk actions (bulk/), as many as virtdeck.bulk.max-parallel: apart from the task
     * workers, which hold the bulk actions' own tasks.
     */
    public static final String BULK_WORKERS = "bulkWorkers";
    /**
     * Bulk actions' own tasks, which hand their guests to the bulk workers and wait (bulk/): four at a time, apart
     * from the task workers, which the migrations they wait for need.
     */
    public static final String BULK_DISPATCHERS = "bulkDispatchers";
    /**
     * Restarts of HA guests whose host was lost (ha/HaMonitor), each a task that may wait long on a disk lease: apart
     * from the task workers, which it would otherwise hold.
     */
    public static final String HA_RESTARTS = "haRestarts";
    /** One host's metrics sample each (metrics/MetricsSampler). */
    public static final String METRICS_SAMPLERS = "metricsSamplers";
    /** One host's reading of its running guests' agents each (inventory/GuestAgentSampler). */
    public static final String GUEST_AGENT_READERS = "guestAgentReaders";
    /**
     * A page's or the API's reading of one guest agent (inventory/GuestQuery), waited for a few seconds at most: a
     * silent agent keeps its thread until libvirt gives up on it, not the request.
     */
    public static final String GUEST_AGENT_CALLS = "guestAgentCalls";
    /** Sending alerts (alerts/targets/AlertSender): a slow mail server or webhook holds this thread, no other work. */
    public static final String ALERT_DELIVERY = "alertDelivery";
    /** Host lease renewals (inventory/HostLeases). */
    public static final String HOST_LEASE_RENEWALS = "hostLeaseRenewals";
    /** The watch on the renewals' age, a thread of its own to act while a renewal hangs (inventory/HostLeases). */
    public static final String HOST_LEASE_WATCH = "hostLeaseWatch";
    /** Asks PostgreSQL while it is unreachable, apart from the jobs that wait on it (database/DatabaseStatus). */
    public static final String DATABASE_PROBE = "databaseProbe";
    /** libvirt's migrate call, blocked for as long as the migration runs (migration/MigrationService). */
    public static final String MIGRATION_CALLS = "migrationCalls";
    /** libvirt's volume copies and clone streams, blocked for as long as they run (guest/GuestCloning). */
    public static final String VOLUME_COPY_CALLS = "volumeCopyCalls";
    /** A console's bytes from the guest's display to the browser while it is open (console/ConsoleService). */
    public static final String CONSOLE_PUMPS = "consolePumps";
    /** Hosts' reconciles, four side by side (inventory/InventorySync). */
    public static final String RECONCILERS = "reconcilers";
    /** libvirt calls of every host, bounded by the call timeout (hypervisor/HostConnection). */
    public static final String LIBVIRT_CALLS = "libvirtCalls";
    /** Connection openings and reconnect timers of every host (hypervisor/HostConnections). */
    public static final String LIBVIRT_TIMERS = "libvirtTimers";
    /** Hosts' lifecycle events, each host's in order on a queue of its own (hypervisor/HostEventQueue). */
    public static final String LIBVIRT_EVENTS = "libvirtEvents";

    @Bean(name = TASK_WORKERS, defaultCandidate = false)
    ThreadPoolTaskExecutor taskWorkers() {
        ThreadPoolTaskExecutor pool = fixed("task-", 4);
        // interrupted work gets a moment to end cleanly (a clone takes back what it made) before the beans it uses stop
        pool.setAwaitTerminationSeconds(2);
        return pool;
    }

    @Bean(name = BULK_WORKERS, defaultCandidate = false)
    ThreadPoolTaskExecutor bulkWorkers(VirtdeckProperties properties) {
        return fixed("bulk-", properties.bulk().maxParallel());
    }

    @Bean(name = BULK_DISPATCHERS, defaultCandidate = false)
    ThreadPoolTaskExecutor bulkDispatchers() {
        return fixed("bulk-dispatch-", 4);
    }

    @Bean(name = HA_RESTARTS, defaultCandidate = false)
    ThreadPoolTaskExecutor haRestarts() {
        return fixed("ha-restart-", 16); // the rest queue up, in the order of their priority
    }

    @Bean(name = METRICS_SAMPLERS, defaultCandidate = false)
    ThreadPoolTaskExecutor metricsSamplers(MetricsProperties properties) {
        return fixed("metrics-sampler-", properties.samplerThreads());
    }

    @Bean(name = GUEST_AGENT_READERS, defaultCandidate = false)
    ThreadPoolTaskExecutor guestAgentReaders() {
        return fixed("guest-agent-", 2);
    }

    @Bean(name = GUEST_AGENT_CALLS, defaultCandidate = false)
    ThreadPoolTaskExecutor guestAgentCalls() {
        return threadPerCall("guest-agent-call-");
    }

    @Bean(name = HOST_LEASE_RENEWALS, defaultCandidate = false)
    ThreadPoolTaskScheduler hostLeaseRenewals() {
        return scheduler("host-leases-");
    }

    @Bean(name = HOST_LEASE_WATCH, defaultCandidate = false)
    ThreadPoolTaskScheduler hostLeaseWatch() {
        return scheduler("host-lease-watch-");
    }

    @Bean(name = ALERT_DELIVERY, defaultCandidate = false)
    ThreadPoolTaskScheduler alertDelivery() {
        return scheduler("alert-delivery-");
    }

    @Bean(name = DATABASE_PROBE, defaultCandidate = false)
    ThreadPoolTaskScheduler databaseProbe() {
        return scheduler("database-probe-");
    }

    @Bean(name = MIGRATION_CALLS, defaultCandidate = false)
    ThreadPoolTaskExecutor migrationCalls() {
        return threadPerCall("libvirt-migrate-");
    }

    @Bean(name = VOLUME_COPY_CALLS, defaultCandidate = false)
    ThreadPoolTaskExecutor volumeCopyCalls() {
        return threadPerCall("libvirt-volume-copy-");
    }

    @Bean(name = CONSOLE_PUMPS, defaultCandidate = false)
    ThreadPoolTaskExecutor consolePumps() {
        return threadPerCall("console-pump-");
    }

    @Bean(name = RECONCILERS, defaultCandidate = false)
    ThreadPoolTaskExecutor reconcilers() {
        return fixed("reconcile-", 4);
    }

    @Bean(name = LIBVIRT_CALLS, defaultCandidate = false)
    public ThreadPoolTaskExecutor libvirtCalls() {
        // shared by every host: as many threads as calls run at once across the fleet, not four per host for good
        return threadPerCall("libvirt-call-");
    }

    @Bean(name = LIBVIRT_TIMERS, defaultCandidate = false)
    ThreadPoolTaskScheduler libvirtTimers() {
        ThreadPoolTaskScheduler timers = scheduler("libvirt-connect-");
        timers.setPoolSize(2);
        return timers;
    }

    @Bean(name = LIBVIRT_EVENTS, defaultCandidate = false)
    public ThreadPoolTaskExecutor libvirtEvents() {
        // a thread while a host has events to handle: a host stalled in one holds its own thread only
        return threadPerCall("libvirt-events-");
    }

    private static ThreadPoolTaskExecutor fixed(String threadNamePrefix, int threads) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
        pool.setCorePoolSize(threads);
        pool.setMaxPoolSize(threads);
        return named(pool, threadNamePrefix);
    }

    /** A thread per call, idle ones reused for a minute: for calls that block for as long as their work runs. */
    private static ThreadPoolTaskExecutor threadPerCall(String threadNamePrefix) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
        pool.setCorePoolSize(0);
        pool.setMaxPoolSize(Integer.MAX_VALUE);
        pool.setQueueCapacity(0);
        pool.setKeepAliveSeconds(60);
        return named(pool, threadNamePrefix);
    }

    private static ThreadPoolTaskScheduler scheduler(String threadNamePrefix) {
        return named(new ThreadPoolTaskScheduler(), threadNamePrefix);
    }

    private static <T extends ExecutorConfigurationSupport> T named(T pool, String threadNamePrefix) {
        pool.setThreadNamePrefix(threadNamePrefix);
        pool.setDaemon(true);
        // shut down (running work interrupted) once the beans using it have stopped, not at the context's close
        pool.setAcceptTasksAfterContextClose(true);
        return pool;
    }
}
