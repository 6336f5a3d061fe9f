package io.virtdeck.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import io.virtdeck.VirtdeckInstance;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.task.TaskCancelAsked;
import io.virtdeck.task.TaskRepository;

/**
 * Inventory changes between Virtdeck instances on one database, through PostgreSQL LISTEN/NOTIFY: each change seen
 * here is sent on {@value #INVENTORY_CHANNEL} with this instance's id, and each one another instance sent is pushed to
 * this instance's open pages. Sending runs on a thread of its own, many changes to a statement, so the inventory's
 * own work never waits for it. A change is never pushed twice to a page of the instance where it happened: its own
 * notifications come back to it and are skipped. Listening holds one database connection of its own, and is
 * re-established after a failure (changes sent meanwhile are missed; the pages' next fetch shows them). Cancels of
 * tasks (on {@link TaskRepository#CANCEL_CHANNEL}) reach the instance running the task's work, and other packages'
 * {@link PeerChannel}s are heard on the same connection.
 */
@Component
public class PeerNotifications implements SmartLifecycle {

    static final String INVENTORY_CHANNEL = "virtdeck_inventory";

    /** Told {@code origin hostId} when a host\'s credentials change: the other instances re-open their connections. */
    static final String CREDENTIALS_CHANNEL = "virtdeck_host_credentials";

    private static final Logger log = LoggerFactory.getLogger(PeerNotifications.class);
    private static final int WAIT_MILLIS = 500;
    private static final long RETRY_MILLIS = 2000;
    /** Changes sent in one statement at most. */
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final VirtdeckInstance instance;
    private final LiveUpdates liveUpdates;
    private final HostLeases leases;
    private final ConnectionGateway gateway;
    private final ApplicationEventPublisher events;
    private final List<PeerChannel> channels;

    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>();
    private volatile Thread listener;
    private volatile Thread sender;

    PeerNotifications(JdbcClient jdbc, DataSource dataSource, VirtdeckInstance instance, LiveUpdates liveUpdates,
                      HostLeases leases, ConnectionGateway gateway, ApplicationEventPublisher events,
                      List<PeerChannel> channels) {
        this.channels = List.copyOf(channels);
        this.gateway = gateway;
        this.events = events;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.instance = instance;
        this.liveUpdates = liveUpdates;
        this.leases = leases;
    }

    /** Sends a notification; PostgreSQL delivers it to every listener once the sender's transaction commits. */
    public static void send(JdbcClient jdbc, String channel, String payload) {
        jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", channel).param("payload", payload)
                .query((rs, row) -> Boolean.TRUE).list();
    }

    /** Tells the other instances that a host\'s credentials changed (their connections to it re-open with them). */
    public static void credentialsChanged(JdbcClient jdbc, UUID origin, long hostId) {
        send(jdbc, CREDENTIALS_CHANNEL, origin + " " + hostId);
    }

    @EventListener
    void onChange(InventoryChanged change) {
        outgoing.add(encode(instance.id(), change));
    }

    private void sendUntilStopped() {
        List<String> batch = new ArrayList<>();
        while (sender == Thread.currentThread()) {
            try {
                batch.add(outgoing.take());
            } catch (InterruptedException e) {
                return;
            }
            outgoing.drainTo(batch, BATCH - 1);
            try {
                jdbc.sql("SELECT pg_notify(:channel, payload) FROM unnest(:payloads) AS payload")
                        .param("channel", INVENTORY_CHANNEL).param("payloads", batch.toArray(new String[0]))
                        .query((rs, row) -> Boolean.TRUE).list();
            } catch (DataAccessException e) {
                // the inventory rows changed all the same; other instances' pages see them at their next fetch
                log.warn("telling other instances of {} change(s) failed: {}", batch.size(), e.getMessage());
            }
            batch.clear();
        }
    }

    /** {@code origin kind id removed}, e.g. {@code 6f1c... guest 42 false}. */
    static String encode(UUID origin, InventoryChanged change) {
        if (change instanceof InventoryChanged.GuestChanged guest) {
            return origin + " guest " + guest.guestId() + " " + guest.removed();
        }
        InventoryChanged.HostChanged host = (InventoryChanged.HostChanged) change;
        return origin + " host " + host.hostId() + " " + host.removed();
    }

    /** The change another instance sent; null for one of this instance's own or one it cannot read. */
    static InventoryChanged decode(UUID self, String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 4 || parts[0].equals(self.toString())) {
            return null;
        }
        try {
            long id = Long.parseLong(parts[2]);
            boolean removed = Boolean.parseBoolean(parts[3]);
            return switch (parts[1]) {
                case "guest" -> new InventoryChanged.GuestChanged(id, removed);
                case "host" -> new InventoryChanged.HostChanged(id, removed);
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void start() {
        // each thread runs while it is the one in its field: set the fields before the threads look
        listener = daemon(this::listenUntilStopped, "peer-notifications-in");
        sender = daemon(this::sendUntilStopped, "peer-notifications-out");
        listener.start();
        sender.start();
    }

    private static Thread daemon(Runnable work, String name) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void stop() {
        Thread in = listener;
        Thread out = sender;
        listener = null;
        sender = null;
        for (Thread thread : new Thread[] {in, out}) {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(2 * WAIT_MILLIS); // hands its connection back before the pool closes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    private void listenUntilStopped() {
        while (listener == Thread.currentThread()) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + INVENTORY_CHANNEL);
                    statement.execute("LISTEN " + HostLeaseRepository.RELEASED_CHANNEL);
                    statement.execute("LISTEN " + CREDENTIALS_CHANNEL);
                    statement.execute("LISTEN " + TaskRepository.CANCEL_CHANNEL);
                    for (PeerChannel channel : channels) {
                        statement.execute("LISTEN " + channel.name());
                    }
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (listener == Thread.currentThread()) {
                    PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            deliver(notification);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (listener != Thread.currentThread()) {
                    return;
                }
                log.warn("listening for other Virtdeck instances' changes failed, again in {} ms: {}", RETRY_MILLIS,
                        e.getMessage());
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(PGNotification notification) {
        for (PeerChannel channel : channels) {
            if (channel.name().equals(notification.getName())) {
                channel.received(notification.getParameter());
                return;
            }
        }
        if (HostLeaseRepository.RELEASED_CHANNEL.equals(notification.getName())) {
            if (!notification.getParameter().equals(instance.id().toString())) {
                leases.renewSoon();
            }
            return;
        }
        if (TaskRepository.CANCEL_CHANNEL.equals(notification.getName())) {
            try {
                events.publishEvent(new TaskCancelAsked(Long.parseLong(notification.getParameter())));
            } catch (NumberFormatException ignored) {
                // not one of ours
            }
            return;
        }
        if (CREDENTIALS_CHANNEL.equals(notification.getName())) {
            String[] originAndHost = notification.getParameter().split(" ");
            if (originAndHost.length == 2 && !originAndHost[0].equals(instance.id().toString())) {
                try {
                    gateway.reconnect(Long.parseLong(originAndHost[1]));
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
            return;
        }
        InventoryChanged change = decode(instance.id(), notification.getParameter());
        if (change != null) {
            liveUpdates.onChange(change);
        }
    }
}
