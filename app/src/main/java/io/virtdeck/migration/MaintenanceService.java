package io.virtdeck.migration;

import java.util.ArrayList;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionPlan;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.cluster.InventoryChanged;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.hypervisor.ConnectionGateway;
import io.virtdeck.hypervisor.ConnectionState;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.inventory.HostState;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskCancelledException;
import io.virtdeck.task.TaskProgress;
import io.virtdeck.task.TaskService;
import io.virtdeck.web.Flag;

/**
 * Maintenance mode: a host in maintenance gets no new guests, its running guests are live-migrated away one by one
 * (each its own migration task, placed by {@link Placement}), and it shows MAINTENANCE once nothing runs there.
 * Guests that cannot move are named with the reason and the host stays out of service until an operator acts.
 */
@Service
public class MaintenanceService {

    static final AuditAction TASK_TYPE = AuditAction.HOST_MAINTENANCE;
    private static final long POLL_MILLIS = 500;

    private final HostRepository hosts;
    private final GuestRepository guests;
    private final ConnectionGateway gateway;
    private final Placement placement;
    private final MigrationService migrations;
    private final TaskService tasks;
    private final ActionRunner actions;
    private final ApplicationEventPublisher events;

    private final Permissions permissions;

    public MaintenanceService(HostRepository hosts, GuestRepository guests, ConnectionGateway gateway,
                              Placement placement, MigrationService migrations, TaskService tasks, ActionRunner actions,
                              ApplicationEventPublisher events, Permissions permissions) {
        this.permissions = permissions;
        this.hosts = hosts;
        this.guests = guests;
        this.gateway = gateway;
        this.placement = placement;
        this.migrations = migrations;
        this.tasks = tasks;
        this.actions = actions;
        this.events = events;
    }

    /**
     * Whether a REST request asks to enter maintenance ({@code enabled}), read once the user may act on the host: a
     * malformed body tells nothing about a host they may not see or change.
     */
    /** The guests a host\'s maintenance would move: those running on it. */
    public List<Guest> runningOn(long hostId) {
        return guests.findRunningOn(hostId);
    }

    public boolean entering(long hostId, MaintenanceRequest request) {
        permissions.requireHost(Action.OPERATE, hostId);
        return Flag.required(request == null ? null : request.enabled(), "enabled",
                "true to enter maintenance, false to leave it");
    }

    /** Takes the host out of service and empties it; returns the evacuation task. */
    public Task enter(long hostId, MaintenanceRequest request) {
        Host host = hosts.require(hostId);
        AuditObject object = AuditObject.host(host.id(), host.name());
        return onHost(host).check(() -> {
            if (host.state() == HostState.MAINTENANCE) {
                throw VirtdeckException.conflict("Host '" + host.name() + "' is already in maintenance.");
            }
            if (gateway.state(hostId) != ConnectionState.CONNECTED) {
                throw VirtdeckException.conflict("Host '" + host.name() + "' cannot be reached: its guests cannot"
                        + " be moved away now.");
            }
        }).run(() -> {
            hosts.setMaintenance(hostId, true);
            events.publishEvent(new InventoryChanged.HostChanged(hostId, false));
            return Done.of(tasks.submit(TASK_TYPE, object, true, progress -> evacuate(host, request, progress)),
                    "maintenance on: no new guests; evacuating");
        });
    }

    /** Puts the host back in service. */
    public Host leave(long hostId) {
        Host host = hosts.require(hostId);
        onHost(host).check(() -> {
            if (!host.maintenance()) {
                throw VirtdeckException.conflict("Host '" + host.name() + "' is not in maintenance.");
            }
        }).run(() -> {
            hosts.setMaintenance(hostId, false);
            events.publishEvent(new InventoryChanged.HostChanged(hostId, false));
            return Done.noted("maintenance off: back in service");
        });
        return hosts.require(hostId);
    }

    /** Maintenance on or off: permitted to those who may operate the host; refused while a task holds it. */
    private ActionPlan onHost(Host host) {
        return actions.plan(AuditAction.HOST_MAINTENANCE, AuditObject.host(host.id(), host.name()))
                .permit(() -> permissions.requireHost(Action.OPERATE, host.id()));
    }

    private String evacuate(Host host, MaintenanceRequest request, TaskProgress progress) throws Exception {
        List<Guest> running = guests.findRunningOn(host.id());
        List<String> moved = new ArrayList<>();
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Guest guest = running.get(i);
            if (progress.cancelRequested()) {
                throw new TaskCancelledException("Stopped after " + moved.size() + " of " + running.size()
                        + " guests; host '" + host.name() + "' stays out of service for new guests.");
            }
            String step = "Guest " + (i + 1) + " of " + running.size() + ", '" + guest.name() + "'";
            progress.update(i * 100 / running.size(), step + ": choosing a host");
            Placement.Choice choice = placement.choose(guest);
            if (choice.host().isEmpty()) {
                stuck.add("'" + guest.name() + "': " + String.join("; ", choice.reasons()));
                continue;
            }
            Host target = choice.host().get();
            Task child;
            try {
                child = migrations.migrate(guest.id(), request.migrationTo(target.id()));
            } catch (VirtdeckException | AccessDeniedException e) {
                // a host the user may not operate on is no target for their guests
                stuck.add("'" + guest.name() + "': " + e.getMessage());
                continue;
            }
            Task ended = follow(child, progress, step + " to " + target.name(), i, running.size());
            if (ended.state() == Task.State.SUCCEEDED) {
                moved.add("'" + guest.name() + "' to " + target.name());
            } else {
                stuck.add("'" + guest.name() + "': " + ended.message());
            }
        }
        boolean empty = hosts.settleMaintenance(host.id());
        events.publishEvent(new InventoryChanged.HostChanged(host.id(), false));
        String movedText = !moved.isEmpty() ? "moved " + String.join(", ", moved)
                : stuck.isEmpty() ? "no guest had to move" : "no guest was moved";
        if (stuck.isEmpty() && empty) {
            return "Host '" + host.name() + "' is in maintenance; " + movedText + ".";
        }
        if (stuck.isEmpty()) {
            stuck.add("guests started there meanwhile still run");
        }
        throw VirtdeckException.conflict("Host '" + host.name() + "' is not empty, so not yet in maintenance ("
                + movedText + "). Could not move " + String.join("; ", stuck) + ". No new guests are placed on it;"
                + " enter maintenance again once that is fixed, or leave maintenance.");
    }

    /** Waits for a guest's migration task, mirroring its progress into this step; a cancel here cancels it too. */
    private Task follow(Task child, TaskProgress progress, String step, int index, int count)
            throws InterruptedException {
        progress.onCancel(() -> {
            try {
                tasks.cancel(child.id());
            } catch (VirtdeckException e) {
                // it ended just now: the loop below sees how
            }
        });
        Task current = child;
        while (!current.state().finished()) {
            Thread.sleep(POLL_MILLIS);
            current = tasks.get(child.id());
            int overall = (index * 100 + current.progress()) / count;
            progress.update(overall, step + " (task " + child.id() + ", " + current.progress() + "%)");
        }
        return current;
    }
}
