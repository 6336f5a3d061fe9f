package io.virtdeck.hypervisor;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.virtdeck.core.HypervisorException;

/**
 * The one connection Virtdeck keeps to a host, shared by every thread. Calls run on the host's own small thread pool
 * so that each can be given up after the call timeout: a dead or hung host answers "unreachable" instead of holding a
 * request thread. A lost connection (closed by libvirt's keepalive, EOF, or a failed call) is re-opened with
 * exponential backoff. A connection without a lifecycle listener only carries calls: the one this instance opens to a
 * host that another Virtdeck instance monitors (see {@link HostConnections}).
 */
final class HostConnection {

    private static final Logger log = LoggerFactory.getLogger(HostConnection.class);

    private final long hostId;
    private final String uri;
    /** Asked at each opening: credentials replaced meanwhile count from the next one. */
    private final Supplier<HostCredentials> credentials;
    private final HypervisorProperties properties;
    private final HostThreads threads;
    private final Consumer<HostConnectionChanged> stateListener;
    private final LifecycleListener lifecycleListener;
    /** Calls of this host running or waiting on the shared call threads: at most callThreads at once. */
    private final Semaphore inFlight;

    private Connect connect;
    private ConnectionState state = ConnectionState.CONNECTING;
    private int failedAttempts;
    private ScheduledFuture<?> pendingReconnect;
    private boolean closed;
    private final AtomicInteger callsUnderway = new AtomicInteger();
    private volatile boolean monitoring = true;
    private final Object opening = new Object();
    private volatile long lastUsedNanos = System.nanoTime();

    HostConnection(long hostId, String uri, Supplier<HostCredentials> credentials, HypervisorProperties properties,
                   HostThreads threads, Consumer<HostConnectionChanged> stateListener,
                   LifecycleListener lifecycleListener) {
        this.hostId = hostId;
        this.uri = uri;
        this.credentials = credentials;
        this.properties = properties;
        this.threads = threads;
        this.stateListener = stateListener;
        // registered once per opened connection; after retire() it only lets go of what libvirt hands it
        this.lifecycleListener = lifecycleListener == null ? null : (domain, event) -> {
            if (monitoring) {
                return lifecycleListener.onLifecycleChange(domain, event);
            }
            try {
                domain.free();
            } catch (LibvirtException | RuntimeException ignored) {
                // the connection may be going; the handle goes with it
            }
            return 0;
        };
        this.inFlight = new Semaphore(properties.callThreads());
    }

    String uri() {
        return uri;
    }

    synchronized ConnectionState state() {
        return state;
    }

    /** Opens the connection in the background now; later failures reconnect on their own. */
    void start() {
        threads.timers().execute(this::connectNow);
    }

    /**
     * Stops reporting lifecycle events and connection changes, at once and without a call to libvirt: the host is
     * monitored elsewhere now. Calls already underway go on; the connection is closed once they are done.
     */
    void retire() {
        monitoring = false;
    }

    /**
     * Opens the connection on the caller's thread (bounded by the call timeout) unless it is open; true when it is
     * connected. Callers arriving while it opens wait for that opening rather than start another.
     */
    boolean connectNow() {
        synchronized (opening) {
            if (state() != ConnectionState.CONNECTED) {
                connectOnce();
            }
            return state() == ConnectionState.CONNECTED;
        }
    }

    /**
     * Closes the connection when no call has run on it for {@code idle} and none runs now (not even one its caller
     * gave up on); true if it did. No call can start on it meanwhile.
     */
    boolean closeIfIdle(Duration idle) {
        synchronized (this) {
            if (closed || callsUnderway.get() > 0 || System.nanoTime() - lastUsedNanos <= idle.toNanos()) {
                return false;
            }
            closed = true;
        }
        close();
        return true;
    }

    /** Runs a call on this host's connection, bounded by the call timeout. */
    <T> T call(LibvirtCall<T> work) {
        Connect current = acquireOnceOpened();
        try {
            return runBounded(ignored -> thenRelease(work, current));
        } catch (LibvirtException e) {
            if (LibvirtErrors.isConnectionLost(e)) {
                connectionLost(current, LibvirtErrors.message(e));
            }
            throw LibvirtErrors.translate(e);
        } catch (TimeoutException e) {
            String reason = "the host did not answer within " + properties.callTimeout().toSeconds() + " s";
            connectionLost(current, reason);
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE, reason);
        }
    }

    /**
     * Runs work on a connection taken with {@link #acquire}: it counts as underway until libvirt has returned, even
     * when its caller gave up waiting for it.
     */
    private <T> T thenRelease(LibvirtCall<T> work, Connect connect) throws LibvirtException {
        try {
            return work.apply(connect);
        } finally {
            lastUsedNanos = System.nanoTime();
            callsUnderway.decrementAndGet();
        }
    }

    /**
     * Runs a call that lasts as long as its job does (a migration) on the caller's thread, with no time limit: the
     * job's own progress and its abort are the caller's to watch. A connection lost meanwhile ends it with an error.
     */
    <T> T callUntilDone(LibvirtCall<T> work) {
        Connect current = acquireOnceOpened();
        try {
            return thenRelease(work, current);
        } catch (LibvirtException e) {
            if (LibvirtErrors.isConnectionLost(e)) {
                connectionLost(current, LibvirtErrors.message(e));
            }
            throw LibvirtErrors.translate(e);
        }
    }

    /**
     * As {@link #acquire}, first waiting for the opening of a connection just made: a host taken over a moment ago
     * (its lease regained once the database is back) answers its first call rather than refusing it. A connection
     * found lost since does not wait: its host is likely down, and reconnects in the background.
     */
    private Connect acquireOnceOpened() {
        if (state() == ConnectionState.CONNECTING) {
            connectNow();
        }
        return acquire();
    }

    /** The open connection for one call, counted as underway (the caller releases it with thenRelease). */
    private synchronized Connect acquire() {
        if (closed) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE, "the host is no longer managed");
        }
        if (state != ConnectionState.CONNECTED) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE,
                    "no connection (" + state.name().toLowerCase(Locale.ROOT) + "); Virtdeck keeps trying to reconnect");
        }
        callsUnderway.incrementAndGet();
        return connect;
    }

    /** For a one-off probe: opens the connection at once, runs one call on it; the caller then calls close(). */
    <T> T openNow(LibvirtCall<T> work) {
        try {
            Connect opened = openBounded();
            synchronized (this) {
                connect = opened;
                state = ConnectionState.CONNECTED;
            }
            return runBounded(ignored -> work.apply(opened));
        } catch (LibvirtException e) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE, LibvirtErrors.message(e), e);
        } catch (TimeoutException e) {
            throw new HypervisorException(HypervisorException.Kind.UNREACHABLE,
                    "no answer within " + properties.callTimeout().toSeconds() + " s");
        }
    }

    void close() {
        Connect toClose;
        synchronized (this) {
            closed = true;
            if (pendingReconnect != null) {
                pendingReconnect.cancel(false);
            }
            toClose = connect;
            connect = null;
        }
        if (toClose != null) {
            closeQuietly(toClose);
        }
    }

    private <T> T runBounded(LibvirtCall<T> work) throws LibvirtException, TimeoutException {
        long deadline = System.nanoTime() + properties.callTimeout().toNanos();
        try {
            // waiting for one of the host's call slots counts against the timeout, as a queue per host did
            if (!inFlight.tryAcquire(properties.callTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException(HypervisorException.Kind.FAILED, "interrupted while waiting for libvirt");
        }
        // the slot goes back when the work ends (libvirt cannot be interrupted: a hung call keeps it), or at once when
        // the work never started; whichever side claims the work first decides which
        AtomicBoolean claimed = new AtomicBoolean();
        Future<T> future;
        try {
            future = threads.calls().submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // given up on before it started
                }
                Thread thread = Thread.currentThread();
                String name = thread.getName();
                thread.setName("libvirt-host-" + hostId);
                try {
                    return work.apply(null);
                } finally {
                    thread.setName(name);
                    inFlight.release();
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        try {
            return future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            giveUp(future, claimed);
            Thread.currentThread().interrupt();
            throw new HypervisorException(HypervisorException.Kind.FAILED, "interrupted while waiting for libvirt");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LibvirtException libvirt) {
                throw libvirt;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new HypervisorException(HypervisorException.Kind.FAILED, String.valueOf(e.getCause()), e);
        } catch (TimeoutException e) {
            giveUp(future, claimed);
            throw e;
        }
    }

    private void giveUp(Future<?> future, AtomicBoolean claimed) {
        future.cancel(true);
        if (claimed.compareAndSet(false, true)) {
            inFlight.release();
        }
    }

    /**
     * Opens the connection under the call timeout. libvirt cannot be interrupted: an open given up on (a host that
     * accepts TCP but does not answer) keeps running on its call thread, and when the host answers again it
     * returns a connection nobody holds. Whichever side comes second, the open or the caller giving up, closes it.
     */
    private Connect openBounded() throws LibvirtException, TimeoutException {
        AtomicBoolean settled = new AtomicBoolean();
        AtomicReference<Connect> opened = new AtomicReference<>();
        try {
            return runBounded(ignored -> {
                Connect connection = LibvirtConnections.open(uri, credentials.get());
                opened.set(connection);
                if (!settled.compareAndSet(false, true)) {
                    closeQuietly(connection); // the caller stopped waiting for it
                }
                return connection;
            });
        } catch (TimeoutException | RuntimeException e) {
            if (!settled.compareAndSet(false, true) && opened.get() != null) {
                closeQuietly(opened.get()); // opened just as the caller stopped waiting
            }
            throw e;
        }
    }

    private void connectOnce() {
        synchronized (this) {
            if (closed || state == ConnectionState.CONNECTED) {
                return;
            }
        }
        Connect opened = null;
        try {
            opened = openBounded();
            Connect fresh = opened;
            // on this host's own threads and under the call timeout: a host that hangs here delays no other host
            runBounded(ignored -> {
                configure(fresh);
                return null;
            });
        } catch (LibvirtException | TimeoutException | HypervisorException e) {
            if (opened != null) {
                closeQuietly(opened);
            }
            String reason = e instanceof LibvirtException l ? LibvirtErrors.message(l)
                    : e instanceof TimeoutException ? "no answer within " + properties.callTimeout().toSeconds() + " s"
                    : e.getMessage();
            failed(reason);
            return;
        }
        boolean keep;
        synchronized (this) {
            keep = !closed;
            if (keep) {
                connect = opened;
                failedAttempts = 0;
                state = ConnectionState.CONNECTED;
            }
        }
        if (!keep) {
            closeQuietly(opened);
            return;
        }
        log.info("host {} connected: {}", hostId, uri);
        if (monitoring) {
            stateListener.accept(new HostConnectionChanged(hostId, ConnectionState.CONNECTED, null));
        }
    }

    private void configure(Connect opened) throws LibvirtException {
        LibvirtConnections.enableKeepalive(opened, properties);
        opened.registerCloseListener((conn, reason) -> threads.timers().execute(
                () -> connectionLost(opened, "connection closed (" + reason.name().toLowerCase(Locale.ROOT) + ")")));
        if (lifecycleListener != null) {
            opened.addLifecycleListener(lifecycleListener);
        }
    }

    /** Marks the connection lost once, however many callers notice it, and schedules the reconnect. */
    private void connectionLost(Connect lost, String reason) {
        synchronized (this) {
            if (closed || connect != lost || state != ConnectionState.CONNECTED) {
                return;
            }
            connect = null;
            state = ConnectionState.UNREACHABLE; // at once: no call may take the lost connection meanwhile
        }
        closeInBackground(lost);
        log.warn("host {} lost: {}", hostId, reason);
        failed(reason, true);
    }

    private void failed(String reason) {
        failed(reason, false);
    }

    /** @param wasConnected the connection was just lost: its listener hears of it whatever the state says now */
    private void failed(String reason, boolean wasConnected) {
        boolean changed;
        Duration delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            changed = wasConnected || state != ConnectionState.UNREACHABLE;
            state = ConnectionState.UNREACHABLE;
            delay = backoff(failedAttempts++);
            pendingReconnect = threads.timers().schedule(this::connectNow, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (changed && monitoring) {
            stateListener.accept(new HostConnectionChanged(hostId, ConnectionState.UNREACHABLE, reason));
        }
        log.debug("host {} unreachable ({}); next attempt in {}", hostId, reason, delay);
    }

    /** Closing a dead connection can block until libvirt gives up on it: never on the thread that noticed it. */
    private void closeInBackground(Connect lost) {
        threads.calls().execute(() -> closeQuietly(lost));
    }

    private Duration backoff(int attempt) {
        Duration delay = properties.reconnectInitialDelay().multipliedBy(1L << Math.min(attempt, 16));
        return delay.compareTo(properties.reconnectMaxDelay()) > 0 ? properties.reconnectMaxDelay() : delay;
    }

    /**
     * Closes a connection after removing its callbacks: libvirt keeps a connection that objects still reference
     * open, and would call into callbacks that Java has freed once the connection object is gone (a crash).
     */
    private void closeQuietly(Connect connect) {
        try {
            if (lifecycleListener != null) {
                connect.removeLifecycleListener(lifecycleListener);
            }
        } catch (LibvirtException | RuntimeException ignored) {
            // never registered (a connection given up on while opening), or already dead
        }
        try {
            connect.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException ignored) {
            // the connection may already be dead; closing is all that matters
        }
        try {
            connect.close();
        } catch (LibvirtException | RuntimeException e) {
            log.debug("closing a libvirt connection: {}", e.getMessage());
        }
    }
}
