package io.virtdeck.guest.clone;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import io.virtdeck.action.ActionRunner;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.audit.AuditObject;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.cloudinit.CloudInitRequest;
import io.virtdeck.guest.create.GuestCreateRequest;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;
import io.virtdeck.task.Task;
import io.virtdeck.task.TaskService;

/**
 * Clones a shut-off guest, and creates guests from templates, as tasks ({@code guest.clone}) that hold the source
 * while its disks are copied (it cannot be started meanwhile). Everything that can be checked is checked before the
 * task starts (400/409 naming the reason); the copying itself is {@link GuestCloning}.
 */
@Service
public class GuestCloneService {

    static final AuditAction TASK_TYPE = AuditAction.GUEST_CLONE;
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");

    private final GuestClonePlanner planner;
    private final GuestCloning cloning;
    private final GuestRepository guests;
    private final HostRepository hosts;
    private final TaskService tasks;
    private final ActionRunner actions;

    private final Permissions permissions;

    GuestCloneService(GuestClonePlanner planner, GuestCloning cloning, GuestRepository guests, HostRepository hosts,
                      TaskService tasks, ActionRunner actions, Permissions permissions) {
        this.permissions = permissions;
        this.planner = planner;
        this.cloning = cloning;
        this.guests = guests;
        this.hosts = hosts;
        this.tasks = tasks;
        this.actions = actions;
    }

    /**
     * A full copy of a shut-off guest on its own host, or on the host {@code hostId} names (its disks streamed there
     * through libvirt); returns the task.
     */
    public Task clone(long guestId, GuestCloneRequest request) {
        Guest source = guests.require(guestId);
        Long targetId = request.hostId();
        return start(source, request.name(), false, null, () -> {
            permissions.requireGuest(Action.OPERATE, guestId);
            if (targetId != null && hosts.findById(targetId).isPresent()) {
                permissions.requireHost(Action.OPERATE, targetId); // a copy onto another host changes that host too
            }
        }, () -> targetId == null ? null : hosts.findById(targetId).orElseThrow(() ->
                VirtdeckException.invalid("hostId", "There is no host with id " + targetId + ".")), () -> { });
    }

    /**
     * A new guest from a template (the create request's {@code template}: the template's id, or its name on this
     * host): linked clones of its disks, or full copies ({@code linked}). The new guest has the template's
     * configuration, and the request's cloud-init settings in a seed of its own; the create request's other settings
     * are refused, to be changed afterwards.
     */
    public Task createFromTemplate(long hostId, GuestCreateRequest request) {
        permissions.requireHost(Action.OPERATE, hostId); // before the template is looked up by name
        Host host = hosts.findById(hostId)
                .orElseThrow(() -> VirtdeckException.notFound("There is no host with id " + hostId + "."));
        Guest template = template(host, request.template());
        return start(template, request.name(), request.linked(), request.cloudInit(),
                () -> permissions.requireHost(Action.OPERATE, hostId), () -> host, () -> refuseSettings(request));
    }

    /** @param target the host the new guest goes to; null for the source's own */
    private Task start(Guest source, String name, Boolean linked, CloudInitRequest cloudInit, Runnable permit,
                       Supplier<Host> target, Runnable checks) {
        AuditObject subject = AuditObject.guest(source.id(), source.name());
        AtomicReference<ClonePlan> plan = new AtomicReference<>();
        return actions.plan(TASK_TYPE, subject).permit(permit).check(checks).check(() -> {
            Host host = hosts.findById(source.hostId()).orElseThrow(() -> VirtdeckException.notFound(
                    "Host " + source.hostId() + " is no longer managed."));
            Host to = target.get();
            plan.set(planner.plan(host, source, name, linked, to == null ? host : to, cloudInit));
        }).start(ending -> tasks.submit(TASK_TYPE, subject, true, progress -> cloning.run(plan.get(), progress,
                ending)));
    }

    private Guest template(Host host, String reference) {
        if (reference == null || reference.isBlank()) {
            throw VirtdeckException.invalid("template", "template is required: the template's id or name.");
        }
        Guest template = (ID.matcher(reference).matches() ? guests.findById(Long.parseLong(reference))
                .filter(g -> g.hostId() == host.id()) : guests.findByHostAndName(host.id(), reference))
                .orElseThrow(() -> VirtdeckException.invalid("template", "There is no guest '" + reference
                        + "' on host '" + host.name() + "' to create a guest from."));
        if (!template.template()) {
            throw VirtdeckException.conflict("template", "'" + template.name() + "' is not marked as a template:"
                    + " mark it as one first, or clone it.");
        }
        return template;
    }

    /** The template gives the configuration: settings of a plain create are refused rather than ignored. */
    private static void refuseSettings(GuestCreateRequest request) {
        List<String> given = new ArrayList<>();
        addIf(given, "vcpus", request.vcpus() != null);
        addIf(given, "memoryMiB", request.memoryMiB() != null);
        addIf(given, "disks", !request.disks().isEmpty());
        addIf(given, "cdrom", request.cdrom() != null);
        addIf(given, "networks", !request.networks().isEmpty());
        addIf(given, "firmware", request.firmware() != null);
        addIf(given, "bootOrder", !request.bootOrder().isEmpty());
        addIf(given, "autostart", request.autostart() != null);
        addIf(given, "graphics", request.graphics() != null);
        addIf(given, "kvm", request.kvm() != null);
        addIf(given, "cpu", request.cpu() != null);
        if (!given.isEmpty()) {
            throw VirtdeckException.invalid(given.get(0), given.get(0) + " cannot be given with template: the new"
                    + " guest takes the template's configuration. Change it afterwards (PATCH /api/v1/guests/{id}).");
        }
    }

    private static void addIf(List<String> fields, String field, boolean given) {
        if (given) {
            fields.add(field);
        }
    }
}
