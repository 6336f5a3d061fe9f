package io.virtdeck.guest.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Service;
import io.virtdeck.action.Done;
import io.virtdeck.audit.AuditAction;
import io.virtdeck.core.HypervisorException;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.guest.GuestActionPlans;
import io.virtdeck.guest.GuestActions;
import io.virtdeck.guest.cpu.GuestCpuCheck;
import io.virtdeck.hypervisor.DomainCpu;
import io.virtdeck.hypervisor.DomainGateway;
import io.virtdeck.hypervisor.DomainRunState;
import io.virtdeck.hypervisor.GuestCpu;
import io.virtdeck.hypervisor.HostCpuOffer;
import io.virtdeck.hypervisor.HostGateway;
import io.virtdeck.hypervisor.ResourceLimits;
import io.virtdeck.inventory.Guest;
import io.virtdeck.inventory.GuestRepository;
import io.virtdeck.inventory.Host;
import io.virtdeck.inventory.HostRepository;
import io.virtdeck.security.Action;
import io.virtdeck.security.Permissions;

/**
 * Edits a guest's vCPUs, memory, autostart, description, resource limits and CPU: checked against the host's capacity
 * first, applied live where the guest runs and in its definition, audited as one action.
 */
@Service
public class GuestConfigService {

    static final int DESCRIPTION_LIMIT = 1000;
    private static final long MIN_MEMORY_MIB = 16;

    private final GuestRepository guests;
    private final HostRepository hosts;
    private final DomainGateway gateway;
    private final GuestActionPlans plans;
    private final HostGateway hostGateway;

    private final Permissions permissions;

    GuestConfigService(GuestRepository guests, HostRepository hosts, DomainGateway gateway,
                       GuestActionPlans plans, Permissions permissions, HostGateway hostGateway) {
        this.hostGateway = hostGateway;
        this.permissions = permissions;
        this.guests = guests;
        this.hosts = hosts;
        this.gateway = gateway;
        this.plans = plans;
    }

    /** The limits in the guest's definition, from libvirt. */
    public ResourceLimits limits(long guestId) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        Guest guest = guests.require(guestId);
        return gateway.limits(guest.hostId(), guest.uuid());
    }

    /** The guest, for its Configure page: only for those who may change it. */
    public Guest editable(long guestId) {
        permissions.requireGuest(Action.OPERATE, guestId);
        return guests.require(guestId);
    }

    /** The CPU in the guest's definition, from libvirt. */
    public DomainCpu cpu(long guestId) {
        permissions.requireGuest(Action.READ_GUEST, guestId);
        Guest guest = guests.require(guestId);
        return gateway.cpu(guest.hostId(), guest.uuid());
    }

    /**
     * The CPUs the guest's host can give it (its own kind of domain), for its Configure page: asked as the guest's
     * operator, who may have no right to read the host itself.
     */
    public HostCpuOffer cpuOffer(long guestId, DomainCpu cpu) {
        permissions.requireGuest(Action.OPERATE, guestId);
        return hostGateway.cpuOffer(guests.require(guestId).hostId(), cpu.domainType());
    }

    public Guest change(long guestId, GuestChanges changes) {
        Guest guest = guests.require(guestId);
        Host host = hosts.require(guest.hostId());
        AtomicReference<GuestCpu> cpu = new AtomicReference<>();
        plans.plan(guest, AuditAction.GUEST_CONFIGURE).check(() -> {
            validate(changes, host);
            if (changes.limits() != null) {
                ResourceLimitsCheck.check(changes.limits(), guest, host,
                        changes.vcpus() != null ? changes.vcpus() : guest.vcpus());
            }
            if (changes.cpu() != null) {
                // the CPUs its host offers the guest's own kind of domain (an emulated guest on a KVM host: QEMU's)
                DomainCpu current = gateway.cpu(guest.hostId(), guest.uuid());
                cpu.set(GuestCpuCheck.check(changes.cpu(), hostGateway.cpuOffer(host.id(), current.domainType()),
                        host.name(), "cpu"));
            }
        }).check(plans.live(guest, live -> {
            if (changes.resizes() && live.state() != DomainRunState.RUNNING && live.state() != DomainRunState.SHUTOFF) {
                throw VirtdeckException.conflict("'" + guest.name() + "' is " + GuestActions.describe(live.state())
                        + ": vCPUs and memory change when it runs or is shut off.");
            }
        })).run(() -> {
            if (changes.resizes()) {
                resize(guest, changes);
            }
            if (changes.autostart() != null) {
                gateway.setAutostart(guest.hostId(), guest.uuid(), changes.autostart());
            }
            if (changes.limits() != null) {
                gateway.setLimits(guest.hostId(), guest.uuid(), changes.limits());
            }
            if (cpu.get() != null) {
                gateway.setCpu(guest.hostId(), guest.uuid(), cpu.get());
            }
            if (changes.description() != null) {
                guests.setDescription(guest.id(), changes.description().isBlank() ? null : changes.description());
            }
            return Done.noted(describe(guest, changes, cpu.get()));
        });
        return guests.require(guestId);
    }

    private void resize(Guest guest, GuestChanges changes) {
        try {
            gateway.resize(guest.hostId(), guest.uuid(), changes.vcpus(), changes.memoryMiB());
        } catch (HypervisorException e) {
            // libvirt refuses a vCPU count or memory beyond the running domain's maximum as an invalid argument
            if (e.kind() == HypervisorException.Kind.INVALID_STATE || e.code() == HypervisorException.INVALID_ARG) {
                throw VirtdeckException.conflict("'" + guest.name() + "' runs: it cannot grow beyond the vCPUs and"
                        + " memory it was started with (libvirt: " + e.getMessage() + "). Shut it down, change it,"
                        + " and start it again.");
            }
            throw e;
        }
    }

    private static void validate(GuestChanges changes, Host host) {
        if (changes.vcpus() != null && (changes.vcpus() < 1 || host.cpus() != null && changes.vcpus() > host.cpus())) {
            throw VirtdeckException.invalid("vcpus", "vcpus must be between 1 and " + (host.cpus() == null ? "the"
                    + " host's CPUs" : host.cpus() + ", the CPUs of host '" + host.name() + "'") + ".");
        }
        if (changes.memoryMiB() != null && (changes.memoryMiB() < MIN_MEMORY_MIB
                || host.memoryMiB() != null && changes.memoryMiB() > host.memoryMiB())) {
            throw VirtdeckException.invalid("memoryMiB", "memoryMiB must be between " + MIN_MEMORY_MIB + " and "
                    + (host.memoryMiB() == null ? "the host's memory" : host.memoryMiB() + " MiB, the memory of host '"
                    + host.name() + "'") + ".");
        }
        if (changes.description() != null && changes.description().length() > DESCRIPTION_LIMIT) {
            throw VirtdeckException.invalid("description", "description may hold " + DESCRIPTION_LIMIT
                    + " characters at most.");
        }
        if (!changes.resizes() && changes.autostart() == null && changes.description() == null
                && changes.limits() == null && changes.cpu() == null) {
            throw VirtdeckException.invalid(null, "Nothing to change: send vcpus, memoryMiB, autostart, description,"
                    + " limits or cpu.");
        }
    }

    private static String describe(Guest guest, GuestChanges changes, GuestCpu cpu) {
        List<String> parts = new ArrayList<>();
        if (changes.vcpus() != null) {
            parts.add("vCPUs " + guest.vcpus() + " -> " + changes.vcpus());
        }
        if (changes.memoryMiB() != null) {
            parts.add("memory " + guest.memoryMiB() + " -> " + changes.memoryMiB() + " MiB");
        }
        if (changes.autostart() != null) {
            parts.add("autostart " + (changes.autostart() ? "on" : "off"));
        }
        if (changes.description() != null) {
            parts.add("description changed");
        }
        if (changes.limits() != null) {
            parts.add("resource limits set: " + changes.limits());
        }
        if (cpu != null) {
            parts.add("CPU " + cpu.describe() + (guest.state() == DomainRunState.SHUTOFF ? ""
                    : " (from its next start)"));
        }
        return String.join(", ", parts) + (guest.state() == DomainRunState.RUNNING && changes.resizes()
                ? " (live and in its definition)" : "");
    }
}
